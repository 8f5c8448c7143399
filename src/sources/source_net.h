/* source_net.h - listeners for pushed lines: "tcp:HOST:PORT" (HOST empty:
 * loopback) and "unix:PATH". Many clients at once, each framed on its own. */
#ifndef CCBOARD_SOURCE_NET_H
#define CCBOARD_SOURCE_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>
#include "source.h"

#define NET_MAX_CLIENTS 64
#define NET_MAX_ADDRS 8           /* addresses one tcp: name may listen on */
#define NET_DEFAULT_PORT_HOST "127.0.0.1"
#define NET_DEFAULT_IDLE_S 300

/* Opens spec as a listening source that hands every complete line of every
 * client to sink->line. A tcp: name is listened on at every address it
 * resolves to (numeric first, then the resolver: /etc/hosts, at start-up).
 * A client that sends a line longer than opts->max_line (64 KiB by default)
 * or binary data is cut off; the others carry on. A client silent for
 * [sources] idle_timeout_s is closed, and at NET_MAX_CLIENTS the longest idle
 * one makes room for a newcomer. A tcp: listener beyond loopback needs
 * [sources] allow (others are closed at accept). With opts->follow false the
 * source is done once every client that connected has gone. Returns NULL with
 * *cause (malloc'ed) when the address or the settings are unusable. */
struct source *source_net_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                               const struct source_sink *sink, char **cause);

/* Returns the port a "tcp:" source listens on (useful with port 0), or -1. */
int source_net_port(const struct source *src);

/* One allowed network: IPv4 kept as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
struct net_cidr {
	uint8_t addr[16];
	int bits;
};

struct net_allow {
	struct net_cidr *cidrs;   /* malloc'ed */
	size_t n;
};

/* Parses "CIDR, CIDR, ..." (IPv4 or IPv6, a bare address is a host) into out.
 * Returns 0, or -1 with *cause (malloc'ed) naming the bad item. */
int net_allow_parse(const char *list, struct net_allow *out, char **cause);

/* Returns true when sa (AF_INET or AF_INET6; an IPv4-mapped IPv6 address is
 * taken as IPv4) lies in one of a's networks. */
bool net_allow_match(const struct net_allow *a, const struct sockaddr *sa);

void net_allow_free(struct net_allow *a);

/* Returns true for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
bool net_addr_is_loopback(const struct sockaddr *sa);

#endif
