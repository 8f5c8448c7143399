/* source_net.c - TCP and Unix-socket listeners for pushed lines. One libuv
 * server handle, one stream handle and one linebuf per client; a client that
 * misbehaves (over-long line, binary data) is cut off alone. */
#include "source_net.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "linebuf.h"
#include "util.h"

#define NET_READ_BUF (64 * 1024)
#define NET_BINARY_WINDOW 4096   /* bytes looked at before judging */

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
	size_t win_bytes, win_bad;    /* binary detection over the last window */
	bool closing;
	struct net_client *prev, *next;
};

struct net_listener {
	struct source *src;
	uv_loop_t *loop;
	union net_handle server;
	bool is_unix;
	char *path;                   /* unix: the socket file, removed on close */
	int port;
	size_t max_line;
	bool follow, had_client, closing, done;
	int handles;                  /* open handles; the source is freed at 0 */
	struct net_client *clients;
	int n_clients;
	uint64_t served, cut_off, refused;
	char notice[96];              /* the latest thing worth telling */
	char buf[NET_READ_BUF];       /* one read buffer: libuv reads one stream at a time */
};

static void net_detail(struct net_listener *l)
{
	struct source *src = l->src;
	src->info.clients = l->n_clients;
	char cut[48] = "";
	if (l->cut_off || l->refused)
		snprintf(cut, sizeof cut, " (%llu cut off, %llu refused)",
		         (unsigned long long)l->cut_off, (unsigned long long)l->refused);
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
		if (nread != UV_EOF)
			net_notice(l, "%s: %s", c->peer, uv_strerror((int)nread));
		client_close(c);
		return;
	}
	c->bytes += (uint64_t)nread;
	l->src->info.bytes += (uint64_t)nread;
	if (client_binary(c, buf->base, (size_t)nread)) {
		client_cut_off(c, "binary data");
		return;
	}
	uint64_t overlong = c->lb.overlong;
	linebuf_feed(&c->lb, buf->base, (size_t)nread, client_line, c);
	if (c->lb.overlong != overlong || c->lb.discarding) {
		char why[64];
		snprintf(why, sizeof why, "line longer than %zu bytes", l->max_line);
		client_cut_off(c, why);
	}
}

static void client_peer(struct net_client *c)
{
	if (c->l->is_unix) {
		snprintf(c->peer, sizeof c->peer, "client %llu", (unsigned long long)c->l->served);
		return;
	}
	struct sockaddr_storage ss;
	int len = sizeof ss;
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (uv_tcp_getpeername(&c->h.tcp, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			uv_ip6_name(a, host, sizeof host);
			port = ntohs(a->sin6_port);
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			uv_ip4_name(a, host, sizeof host);
			port = ntohs(a->sin_port);
		}
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

static void on_connection(uv_stream_t *server, int status)
{
	struct net_listener *l = server->data;
	if (status < 0 || l->closing) {
		net_notice(l, "accept: %s", uv_strerror(status));
		return;
	}
	struct net_client *c = calloc(1, sizeof *c);
	if (!c || client_init(l, c) != 0) {
		free(c);
		return;
	}
	c->closing = true;                   /* not in the list until accepted */
	if (uv_accept(server, &c->h.stream) != 0) {
		uv_close(&c->h.handle, client_closed);
		return;
	}
	l->served++;
	client_peer(c);
	if (l->n_clients >= NET_MAX_CLIENTS) {
		l->refused++;
		net_notice(l, "refused %s: %d clients already", c->peer, NET_MAX_CLIENTS);
		uv_close(&c->h.handle, client_closed);
		return;
	}
	c->closing = false;
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

/* --- opening */

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
	return 0;
}

static int listen_tcp(struct net_listener *l, const char *hp, char **cause)
{
	char host[256], port[16];
	if (parse_hostport(hp, host, sizeof host, port, sizeof port, cause) != 0)
		return -1;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		*cause = xasprintf("%s: %s", host, gai_strerror(rc));
		return -1;
	}
	uv_tcp_init(l->loop, &l->server.tcp);
	l->handles++;
	rc = uv_tcp_bind(&l->server.tcp, ai->ai_addr, 0);
	freeaddrinfo(ai);
	if (rc == 0)
		rc = uv_listen(&l->server.stream, 128, on_connection);
	if (rc != 0) {
		*cause = xasprintf("listen on %s:%s: %s", host, port, uv_strerror(rc));
		return -1;
	}
	struct sockaddr_storage ss;
	int len = sizeof ss;
	if (uv_tcp_getsockname(&l->server.tcp, (struct sockaddr *)&ss, &len) == 0)
		l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
		                                         : ((struct sockaddr_in *)&ss)->sin_port);
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
	uv_pipe_init(l->loop, &l->server.pipe, 0);
	l->handles++;
	int rc = uv_pipe_bind(&l->server.pipe, path);
	if (rc == 0) {
		l->path = strdup(path);
		rc = uv_listen(&l->server.stream, 128, on_connection);
	}
	if (rc != 0) {
		*cause = xasprintf("listen on %s: %s", path, uv_strerror(rc));
		return -1;
	}
	return 0;
}

static void server_closed(uv_handle_t *h)
{
	struct net_listener *l = h->data;
	l->handles--;
	net_maybe_free(l);
}

static void net_close(struct source *src)
{
	struct net_listener *l = src->impl;
	l->closing = true;
	while (l->clients)
		client_close(l->clients);
	if (l->path)
		unlink(l->path);
	if (!uv_is_closing(&l->server.handle))
		uv_close(&l->server.handle, server_closed);
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
	struct source *src = calloc(1, sizeof *src);
	struct net_listener *l = calloc(1, sizeof *l);
	if (!src || !l) {
		free(src);
		free(l);
		*cause = xasprintf("out of memory");
		return NULL;
	}
	snprintf(src->info.name, sizeof src->info.name, "%s", spec);
	src->info.kind = is_unix ? "unix" : "tcp";
	src->info.state = SRC_LISTENING;
	if (sink)
		src->sink = *sink;
	src->impl = l;
	src->close_impl = net_close;
	l->src = src;
	l->loop = loop;
	l->is_unix = is_unix;
	l->follow = opts ? opts->follow : true;
	l->max_line = opts && opts->max_line ? opts->max_line : 64 * 1024;
	l->port = -1;
	l->server.handle.data = l;
	int rc = is_unix ? listen_unix(l, spec + 5, cause) : listen_tcp(l, spec + 4, cause);
	if (rc != 0) {
		l->closing = true;
		if (l->handles > 0) {
			l->server.handle.data = l;
			uv_close(&l->server.handle, server_closed);   /* frees l and src */
		} else {
			free(src);
			free(l);
		}
		return NULL;
	}
	l->server.handle.data = l;
	net_detail(l);
	return src;
}

int source_net_port(const struct source *src)
{
	const struct net_listener *l = src && src->close_impl == net_close ? src->impl : NULL;
	return l ? l->port : -1;
}
