/* source_net.c - TCP and Unix-socket listeners for pushed lines. One libuv
 * server handle per address listened on, one stream handle and one linebuf
 * per client; a client that misbehaves (over-long line, binary data) is cut
 * off alone, one that stays silent is closed after the idle timeout, and at
 * the cap the longest idle one makes room for a newcomer. */
#include "source_net.h"
#include "source_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "linebuf.h"
#include "util.h"

#define NET_READ_BUF (64 * 1024)
#define NET_BINARY_WINDOW 4096   /* bytes looked at before judging */
#define NET_IDLE_CHECK_MS 1000   /* at most this long between idle checks */

union net_handle {
	uv_handle_t handle;
	uv_stream_t stream;
	uv_tcp_t tcp;
	uv_pipe_t pipe;
};

struct net_client {
	struct net_listener *l;
	union net_handle h;
	struct linebuf lb;
	char peer[64];
	uint64_t lines, bytes;
	uint64_t last_ms;             /* loop time of its latest bytes (or of its accept) */
	size_t win_bytes, win_bad;    /* binary detection over the last window */
	bool closing;
	struct net_client *prev, *next;
};

struct net_listener {
	struct source *src;
	uv_loop_t *loop;
	union net_handle servers[NET_MAX_ADDRS];
	int n_servers;                /* initialised server handles (failed ones closing) */
	int n_listening;
	uv_timer_t idle_timer;
	bool idle_timer_on;           /* initialised */
	uint64_t idle_ms;             /* 0: never */
	struct net_allow allow;       /* empty: anybody who can reach the address */
	bool is_unix;
	char *path;                   /* unix: the socket file, removed on close */
	int port;
	size_t max_line;
	bool follow, had_client, closing, done;
	int handles;                  /* open handles; the source is freed at 0 */
	struct net_client *clients;
	int n_clients;
	uint64_t served, cut_off, refused, idle_closed;
	char notice[96];              /* the latest thing worth telling */
	char buf[NET_READ_BUF];       /* one read buffer: libuv reads one stream at a time */
};

static void net_detail(struct net_listener *l)
{
	struct source *src = l->src;
	src->info.clients = l->n_clients;
	char cut[80] = "";
	if (l->cut_off || l->refused || l->idle_closed)
		snprintf(cut, sizeof cut, " (%llu cut off, %llu refused, %llu idle closed)",
		         (unsigned long long)l->cut_off, (unsigned long long)l->refused,
		         (unsigned long long)l->idle_closed);
	snprintf(src->info.detail, sizeof src->info.detail, "%d client%s%s%s%s", l->n_clients,
	         l->n_clients == 1 ? "" : "s", cut, l->notice[0] ? "; " : "", l->notice);
}

static void net_notice(struct net_listener *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void net_notice(struct net_listener *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->notice, sizeof l->notice, fmt, ap);
	va_end(ap);
	net_detail(l);
}

static void net_maybe_free(struct net_listener *l)
{
	if (!l->closing || l->handles > 0)
		return;
	net_allow_free(&l->allow);
	free(l->path);
	free(l->src);
	free(l);
}

static void net_maybe_done(struct net_listener *l)
{
	if (l->follow || l->closing || l->done || !l->had_client || l->n_clients > 0)
		return;
	l->done = true;
	l->src->info.state = SRC_DONE;
	if (l->src->sink.done)
		l->src->sink.done(l->src->sink.ctx, l->src);
}

static void net_handle_closed(uv_handle_t *h)
{
	struct net_listener *l = h->data;
	l->handles--;
	net_maybe_free(l);
}

static void client_closed(uv_handle_t *h)
{
	struct net_client *c = h->data;
	struct net_listener *l = c->l;
	linebuf_free(&c->lb);
	free(c);
	l->handles--;
	net_maybe_free(l);
}

static void client_close(struct net_client *c)
{
	if (c->closing)
		return;
	struct net_listener *l = c->l;
	c->closing = true;
	if (c->prev)
		c->prev->next = c->next;
	else
		l->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	l->n_clients--;
	net_detail(l);
	uv_close(&c->h.handle, client_closed);
	net_maybe_done(l);
}

static void client_cut_off(struct net_client *c, const char *why)
{
	c->l->cut_off++;
	net_notice(c->l, "cut off %s: %s", c->peer, why);
	client_close(c);
}

static void client_line(void *ctx, char *line, size_t len)
{
	struct net_client *c = ctx;
	struct source *src = c->l->src;
	if (c->closing)
		return;
	c->lines++;
	src->info.lines++;
	if (src->sink.line)
		src->sink.line(src->sink.ctx, src, line, len);
}

/* Bytes that never occur in a text line: C0 controls other than tab, CR and
 * LF, DEL, and bytes that cannot appear in UTF-8. A few NULs (a torn line) pass. */
static bool byte_is_binary(unsigned char b)
{
	if (b < 0x20)
		return b != '\t' && b != '\r' && b != '\n';
	return b == 0x7f || b == 0xc0 || b == 0xc1 || b >= 0xf5;
}

/* Returns true when the window of bytes seen is mostly not text. */
static bool client_binary(struct net_client *c, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		c->win_bad += byte_is_binary((unsigned char)data[i]);
		if (++c->win_bytes == NET_BINARY_WINDOW) {
			bool bad = c->win_bad * 16 > c->win_bytes;   /* over 1 in 16 */
			c->win_bytes = c->win_bad = 0;
			if (bad)
				return true;
		}
	}
	return false;
}

static void client_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct net_client *c = h->data;
	(void)suggested;
	*buf = uv_buf_init(c->l->buf, sizeof c->l->buf);
}

static void client_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct net_client *c = s->data;
	struct net_listener *l = c->l;
	if (nread == 0 || c->closing)
		return;
	if (nread < 0) {
		linebuf_finish(&c->lb, client_line, c);   /* a last line without LF counts */
		source_count_overlong(l->src, &c->lb);
		if (nread != UV_EOF)
			net_notice(l, "%s: %s", c->peer, uv_strerror((int)nread));
		client_close(c);
		return;
	}
	c->last_ms = uv_now(l->loop);
	c->bytes += (uint64_t)nread;
	l->src->info.bytes += (uint64_t)nread;
	if (client_binary(c, buf->base, (size_t)nread)) {
		client_cut_off(c, "binary data");
		return;
	}
	linebuf_feed(&c->lb, buf->base, (size_t)nread, client_line, c);
	if (source_count_overlong(l->src, &c->lb) > 0 || c->lb.discarding) {
		char why[64];
		snprintf(why, sizeof why, "line longer than %zu bytes", l->max_line);
		client_cut_off(c, why);
	}
}

static void client_peer(struct net_client *c, const struct sockaddr_storage *ss, bool known)
{
	if (c->l->is_unix) {
		snprintf(c->peer, sizeof c->peer, "client %llu", (unsigned long long)c->l->served);
		return;
	}
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (known && ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
		uv_ip6_name(a, host, sizeof host);
		port = ntohs(a->sin6_port);
	} else if (known && ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
		uv_ip4_name(a, host, sizeof host);
		port = ntohs(a->sin_port);
	}
	snprintf(c->peer, sizeof c->peer, "%s:%d", host, port);
}

static int client_init(struct net_listener *l, struct net_client *c)
{
	c->l = l;
	int rc = l->is_unix ? uv_pipe_init(l->loop, &c->h.pipe, 0) : uv_tcp_init(l->loop, &c->h.tcp);
	if (rc != 0)
		return rc;
	c->h.handle.data = c;
	l->handles++;
	return 0;
}

/* Returns the client that has been silent longest (the list is short). */
static struct net_client *net_longest_idle(struct net_listener *l)
{
	struct net_client *oldest = l->clients;
	for (struct net_client *c = l->clients; c; c = c->next)
		if (c->last_ms < oldest->last_ms)
			oldest = c;
	return oldest;
}

static void net_close_idle(struct net_client *c, const char *why)
{
	c->l->idle_closed++;
	net_notice(c->l, "closed %s: %s", c->peer, why);
	client_close(c);
}

/* Accepts a pending connection; NULL when it could not be (nothing to do). */
static struct net_client *net_accept(struct net_listener *l, uv_stream_t *server)
{
	struct net_client *c = calloc(1, sizeof *c);
	if (!c || client_init(l, c) != 0) {
		free(c);
		return NULL;
	}
	c->closing = true;                   /* not in the list until admitted */
	if (uv_accept(server, &c->h.stream) != 0) {
		uv_close(&c->h.handle, client_closed);
		return NULL;
	}
	l->served++;
	struct sockaddr_storage ss;
	int len = sizeof ss;
	bool known = !l->is_unix &&
	             uv_tcp_getpeername(&c->h.tcp, (struct sockaddr *)&ss, &len) == 0;
	client_peer(c, &ss, known);
	if (!l->is_unix && l->allow.n > 0 && !(known && net_allow_match(&l->allow,
	                                                             (struct sockaddr *)&ss))) {
		l->refused++;
		net_notice(l, "refused %s: not in allow", c->peer);
		uv_close(&c->h.handle, client_closed);
		return NULL;
	}
	return c;
}

static void on_connection(uv_stream_t *server, int status)
{
	struct net_listener *l = server->data;
	if (status < 0 || l->closing) {
		if (status < 0)
			net_notice(l, "accept: %s", uv_strerror(status));
		return;
	}
	struct net_client *c = net_accept(l, server);
	if (!c)
		return;
	if (l->n_clients >= NET_MAX_CLIENTS)
		net_close_idle(net_longest_idle(l), "idle longest, to make room");
	c->closing = false;
	c->last_ms = uv_now(l->loop);
	linebuf_init(&c->lb, l->max_line);
	c->next = l->clients;
	if (l->clients)
		l->clients->prev = c;
	l->clients = c;
	l->n_clients++;
	l->had_client = true;
	net_detail(l);
	uv_read_start(&c->h.stream, client_alloc, client_read);
}

/* Closes every client silent for idle_ms. */
static void on_idle_timer(uv_timer_t *t)
{
	struct net_listener *l = t->data;
	uint64_t now = uv_now(l->loop);
	struct net_client *next;
	for (struct net_client *c = l->clients; c; c = next) {
		next = c->next;
		if (now - c->last_ms >= l->idle_ms) {
			char why[48];
			snprintf(why, sizeof why, "idle for %llu s",
			         (unsigned long long)((now - c->last_ms) / 1000));
			net_close_idle(c, why);
		}
	}
}

static void net_start_idle_timer(struct net_listener *l)
{
	if (l->idle_ms == 0)
		return;
	uint64_t every = l->idle_ms / 4;
	if (every > NET_IDLE_CHECK_MS)
		every = NET_IDLE_CHECK_MS;
	if (every < 10)
		every = 10;
	uv_timer_init(l->loop, &l->idle_timer);
	l->idle_timer.data = l;
	l->idle_timer_on = true;
	l->handles++;
	uv_timer_start(&l->idle_timer, on_idle_timer, every, every);
}

/* --- who may connect */

/* Returns the 16-byte (IPv4-mapped for IPv4) form of sa, or false. */
static bool addr_to16(const struct sockaddr *sa, uint8_t out[16])
{
	if (sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	}
	if (sa->sa_family != AF_INET)
		return false;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	return true;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, int bits)
{
	int bytes = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

/* Parses one "ADDR[/BITS]" (trimmed, NUL-terminated). Returns 0 or -1. */
static int cidr_parse(const char *item, struct net_cidr *out)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(item, '/');
	size_t n = slash ? (size_t)(slash - item) : strlen(item);
	if (n == 0 || n >= sizeof addr)
		return -1;
	memcpy(addr, item, n);
	addr[n] = '\0';
	int max, base;
	struct in_addr a4;
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = a4 };
		addr_to16((struct sockaddr *)&sin, out->addr);
		max = 32, base = 96;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		max = 128, base = 0;
	} else {
		return -1;
	}
	long bits = max;
	if (slash) {
		char *end;
		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || bits < 0 || bits > max)
			return -1;
	}
	out->bits = base + (int)bits;
	return 0;
}

int net_allow_parse(const char *list, struct net_allow *out, char **cause)
{
	memset(out, 0, sizeof *out);
	char *copy = xstrdup(list), *save = NULL;
	for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		out->cidrs = xrealloc(out->cidrs, (out->n + 1) * sizeof *out->cidrs);
		if (cidr_parse(tok, &out->cidrs[out->n]) != 0) {
			*cause = xasprintf("allow: not an address or CIDR: '%s'", tok);
			free(copy);
			net_allow_free(out);
			return -1;
		}
		out->n++;
	}
	free(copy);
	if (out->n == 0) {
		*cause = xasprintf("allow: empty list");
		return -1;
	}
	return 0;
}

bool net_allow_match(const struct net_allow *a, const struct sockaddr *sa)
{
	uint8_t peer[16];
	if (!addr_to16(sa, peer))
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (prefix_match(peer, a->cidrs[i].addr, a->cidrs[i].bits))
			return true;
	return false;
}

void net_allow_free(struct net_allow *a)
{
	free(a->cidrs);
	memset(a, 0, sizeof *a);
}

bool net_addr_is_loopback(const struct sockaddr *sa)
{
	static const uint8_t v6_loop[16] = { [15] = 1 };
	static const uint8_t v4_loop[16] = { [10] = 0xff, [11] = 0xff, [12] = 127 };
	uint8_t a[16];
	if (!addr_to16(sa, a))
		return false;
	return memcmp(a, v6_loop, 16) == 0 || prefix_match(a, v4_loop, 104);
}

/* --- opening */

/* A host is a name or a numeric address: nothing else is given to the
 * resolver (so a typo never becomes a DNS query for garbage). */
static bool host_plausible(const char *h)
{
	for (; *h; h++)
		if (!(*h >= 'a' && *h <= 'z') && !(*h >= 'A' && *h <= 'Z') &&
		    !(*h >= '0' && *h <= '9') && !strchr(".-_:%", *h))
			return false;
	return true;
}

/* Splits "HOST:PORT" ("[V6]:PORT", ":PORT") into host (loopback when empty)
 * and port. Returns 0, or -1 with *cause set. */
static int parse_hostport(const char *hp, char *host, size_t hostsz, char *port, size_t portsz,
                          char **cause)
{
	const char *colon = strrchr(hp, ':');
	if (!colon || !colon[1]) {
		*cause = xasprintf("expected tcp:HOST:PORT (HOST may be empty for loopback): '%s'", hp);
		return -1;
	}
	size_t hl = (size_t)(colon - hp);
	if (hl >= 2 && hp[0] == '[' && hp[hl - 1] == ']') {
		hp++;
		hl -= 2;
	}
	if (hl >= hostsz || strlen(colon + 1) >= portsz) {
		*cause = xasprintf("address too long: '%s'", hp);
		return -1;
	}
	if (hl == 0)
		snprintf(host, hostsz, "%s", NET_DEFAULT_PORT_HOST);
	else
		snprintf(host, hostsz, "%.*s", (int)hl, hp);
	snprintf(port, portsz, "%s", colon + 1);
	char *end;
	long p = strtol(port, &end, 10);
	if (*end || p < 0 || p > 65535) {
		*cause = xasprintf("bad port: '%s'", port);
		return -1;
	}
	if (!host_plausible(host)) {
		*cause = xasprintf("bad host: '%s'", host);
		return -1;
	}
	return 0;
}

/* Resolves host into at most NET_MAX_ADDRS distinct addresses. A numeric
 * address never reaches the resolver; a name goes to getaddrinfo, which is
 * synchronous: this runs at start-up, before the loop (localhost and other
 * /etc/hosts names are answered locally). AI_ADDRCONFIG is left out on
 * purpose: it would hide ::1 on a machine without a global IPv6 address;
 * an address that cannot be bound is skipped instead. Returns the count, or
 * -1 with *cause. */
static int net_resolve(const char *host, const char *port, struct sockaddr_storage *out,
                       char **cause)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST };
	struct addrinfo *ai = NULL;
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc == EAI_NONAME) {
		hints.ai_flags &= ~AI_NUMERICHOST;
		rc = getaddrinfo(host, port, &hints, &ai);
	}
	if (rc != 0) {
		*cause = xasprintf("%s: %s", host, gai_strerror(rc));
		return -1;
	}
	int n = 0;
	for (struct addrinfo *p = ai; p && n < NET_MAX_ADDRS; p = p->ai_next) {
		if ((p->ai_family != AF_INET && p->ai_family != AF_INET6) ||
		    p->ai_addrlen > sizeof *out)
			continue;
		bool dup = false;
		for (int i = 0; i < n && !dup; i++)
			dup = memcmp(&out[i], p->ai_addr, p->ai_addrlen) == 0;
		if (dup)
			continue;
		memset(&out[n], 0, sizeof *out);
		memcpy(&out[n++], p->ai_addr, p->ai_addrlen);
	}
	freeaddrinfo(ai);
	if (n == 0)
		*cause = xasprintf("%s: no IPv4 or IPv6 address", host);
	return n > 0 ? n : -1;
}

static int addr_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
	                                       : ((const struct sockaddr_in *)ss)->sin_port);
}

static void addr_set_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
}

static void addr_name(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	if (ss->ss_family == AF_INET6)
		uv_ip6_name((const struct sockaddr_in6 *)ss, host, sizeof host);
	else
		uv_ip4_name((const struct sockaddr_in *)ss, host, sizeof host);
	snprintf(buf, len, ss->ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d", host, addr_port(ss));
}

/* Refuses to listen beyond loopback unless [sources] allow names who may connect. */
static int net_check_exposure(struct net_listener *l, const struct sockaddr_storage *addrs,
                              int n, char **cause)
{
	if (l->allow.n > 0)
		return 0;
	for (int i = 0; i < n; i++) {
		if (net_addr_is_loopback((const struct sockaddr *)&addrs[i]))
			continue;
		char name[INET6_ADDRSTRLEN + 16];
		addr_name(&addrs[i], name, sizeof name);
		*cause = xasprintf("%s is beyond loopback: name who may connect with "
		                   "'allow = CIDR, ...' in [sources]", name);
		return -1;
	}
	return 0;
}

/* Binds and listens on one address with a new server handle; 0 or a libuv error. */
static int listen_addr(struct net_listener *l, const struct sockaddr_storage *ss, bool v6only)
{
	union net_handle *s = &l->servers[l->n_servers];
	int rc = uv_tcp_init(l->loop, &s->tcp);
	if (rc != 0)
		return rc;
	s->handle.data = l;
	l->n_servers++;
	l->handles++;
	rc = uv_tcp_bind(&s->tcp, (const struct sockaddr *)ss, v6only ? UV_TCP_IPV6ONLY : 0);
	if (rc == 0)
		rc = uv_listen(&s->stream, 128, on_connection);
	if (rc != 0)                         /* this address is given up, the others go on */
		uv_close(&s->handle, net_handle_closed);
	else
		l->n_listening++;
	return rc;
}

/* Listens on every address of host; up when at least one is bound. With port
 * 0 the others take the port the first one got. */
static int listen_tcp(struct net_listener *l, const char *hp, char **cause)
{
	char host[256], port[16];
	struct sockaddr_storage addrs[NET_MAX_ADDRS];
	if (parse_hostport(hp, host, sizeof host, port, sizeof port, cause) != 0)
		return -1;
	int n = net_resolve(host, port, addrs, cause);
	if (n < 0 || net_check_exposure(l, addrs, n, cause) != 0)
		return -1;
	bool v4 = false, v6 = false;
	for (int i = 0; i < n; i++) {
		v6 |= addrs[i].ss_family == AF_INET6;
		v4 |= addrs[i].ss_family == AF_INET;
	}
	int first_err = 0, first_failed = -1;
	for (int i = 0; i < n; i++) {
		if (l->port > 0)
			addr_set_port(&addrs[i], l->port);
		int rc = listen_addr(l, &addrs[i], v4 && v6 && addrs[i].ss_family == AF_INET6);
		if (rc != 0 && first_failed < 0) {
			first_err = rc;
			first_failed = i;
		}
		struct sockaddr_storage ss;
		int len = sizeof ss;
		if (rc == 0 && l->port <= 0 &&
		    uv_tcp_getsockname(&l->servers[l->n_servers - 1].tcp, (struct sockaddr *)&ss,
		                       &len) == 0)
			l->port = addr_port(&ss);
	}
	if (first_failed < 0)
		return 0;
	char name[INET6_ADDRSTRLEN + 16];
	addr_name(&addrs[first_failed], name, sizeof name);
	if (l->n_listening == 0) {
		*cause = xasprintf("listen on %s: %s", name, uv_strerror(first_err));
		return -1;
	}
	net_notice(l, "not on %s: %s", name, uv_strerror(first_err));
	return 0;
}

/* A socket file left by a previous run is removed; one that still answers is
 * somebody's, and so is anything that is not a socket. */
static int unix_clear(const char *path, char **cause)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		*cause = xasprintf("%s exists and is not a socket", path);
		return -1;
	}
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		close(fd);
		*cause = xasprintf("%s is in use by another listener", path);
		return -1;
	}
	if (fd >= 0)
		close(fd);
	unlink(path);
	return 0;
}

static int listen_unix(struct net_listener *l, const char *path, char **cause)
{
	if (!*path || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		*cause = xasprintf("unix socket path empty or too long: '%s'", path);
		return -1;
	}
	if (unix_clear(path, cause) != 0)
		return -1;
	union net_handle *s = &l->servers[0];
	uv_pipe_init(l->loop, &s->pipe, 0);
	s->handle.data = l;
	l->n_servers = 1;
	l->handles++;
	int rc = uv_pipe_bind(&s->pipe, path);
	if (rc == 0) {
		l->path = xstrdup(path);
		rc = uv_listen(&s->stream, 128, on_connection);
	}
	l->n_listening = rc == 0;
	if (rc != 0) {
		*cause = xasprintf("listen on %s: %s", path, uv_strerror(rc));
		return -1;
	}
	return 0;
}

/* Closes whatever is open; the last handle's callback frees l and its source
 * (at once when there is none). */
static void net_close(struct source *src)
{
	struct net_listener *l = src->impl;
	l->closing = true;
	while (l->clients)
		client_close(l->clients);
	if (l->path)
		unlink(l->path);
	for (int i = 0; i < l->n_servers; i++)
		if (!uv_is_closing(&l->servers[i].handle))
			uv_close(&l->servers[i].handle, net_handle_closed);
	l->n_servers = l->n_listening = 0;
	if (l->idle_timer_on)
		uv_close((uv_handle_t *)&l->idle_timer, net_handle_closed);
	l->idle_timer_on = false;
	net_maybe_free(l);
}

/* Takes [sources] allow and idle_timeout_s (built-in defaults without a config). */
static int net_settings(struct net_listener *l, const struct config *cfg, char **cause)
{
	l->idle_ms = (uint64_t)(cfg ? cfg->listen_idle_s : NET_DEFAULT_IDLE_S) * 1000;
	if (!cfg || !cfg->listen_allow || l->is_unix)
		return 0;
	return net_allow_parse(cfg->listen_allow, &l->allow, cause);
}

struct source *source_net_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                               const struct source_sink *sink, char **cause)
{
	*cause = NULL;
	bool is_unix = strncmp(spec, "unix:", 5) == 0;
	if (!is_unix && strncmp(spec, "tcp:", 4) != 0) {
		*cause = xasprintf("not a tcp: or unix: address: '%s'", spec);
		return NULL;
	}
	struct source *src = source_new(spec, is_unix ? "unix" : "tcp", sink);
	struct net_listener *l = calloc(1, sizeof *l);
	if (!src || !l) {
		free(src);
		free(l);
		*cause = xasprintf("out of memory");
		return NULL;
	}
	src->info.state = SRC_LISTENING;
	src->impl = l;
	src->close_impl = net_close;
	l->src = src;
	l->loop = loop;
	l->is_unix = is_unix;
	l->follow = opts ? opts->follow : true;
	l->max_line = opts && opts->max_line ? opts->max_line : SOURCE_DEFAULT_MAX_LINE;
	l->port = -1;
	int rc = net_settings(l, opts ? opts->cfg : NULL, cause);
	if (rc == 0)
		rc = is_unix ? listen_unix(l, spec + 5, cause) : listen_tcp(l, spec + 4, cause);
	if (rc != 0) {
		net_close(src);
		return NULL;
	}
	net_start_idle_timer(l);
	net_detail(l);
	return src;
}

int source_net_port(const struct source *src)
{
	const struct net_listener *l = src && src->close_impl == net_close ? src->impl : NULL;
	return l ? l->port : -1;
}
