/* source_ami.c - the Asterisk Manager Interface client: connect, read the
 * banner, log in, ask QueueStatus to seed the state on every (re)connect, then
 * stream events through ami.c's mapper. Liveness by Ping with a deadline;
 * reconnection with capped exponential backoff and jitter, reset only after a
 * successful login. */
#include "source_ami.h"
#include "source_internal.h"
#include "ami.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "textsafe.h"
#include "util.h"

#define AMI_DEFAULT_PORT "5038"
#define AMI_READ_BUF (64 * 1024)
#define AMI_BACKOFF_FIRST 1.0

enum ami_phase { PH_IDLE, PH_CONNECTING, PH_BANNER, PH_LOGIN, PH_STREAMING, PH_WAITING, PH_DONE };

struct ami_conn {               /* one TCP connection attempt */
	struct ami_client *c;
	uv_tcp_t tcp;
	uv_connect_t req;
	bool reading;
};

/* What one connection has parsed and asked: starts afresh on each. */
struct ami_session {
	bool ping_out;               /* a Ping awaits its answer */
	bool seeded;                 /* a QueueStatus reply has been read to its end */
	uint64_t qs_pending;         /* the QueueStatus in flight (its ActionID's number), 0: none */
};

struct ami_lookup {             /* one name lookup, owned by the attempt that started it */
	uv_getaddrinfo_t req;
	struct ami_client *c;
};

struct ami_client {
	struct source *src;
	uv_loop_t *loop;
	char *user, *host, *port, *secret;
	double ping_s, timeout_s, backoff_max_s;
	double resync_s;             /* QueueStatus every resync_s while streaming; 0: never */
	bool follow;
	bool snapshot;            /* --once: done after the QueueStatus seed */
	struct ami_lookup *lookup;   /* the current attempt's lookup in flight, or NULL */
	struct ami_conn *conn;
	uv_timer_t deadline;         /* connect timeout, then the wait before a retry */
	uv_timer_t pinger;
	uv_timer_t resync;
	int handles;                 /* open handles, requests and connections */
	enum ami_phase phase;
	bool ever_streamed, closing, auth_failed;
	struct ami_session sess;
	double backoff, retry_at;
	uint64_t seq;
	uint32_t rng;
	struct ami_framer fr;
	struct ami_mapper map;
	char buf[AMI_READ_BUF];
};

struct ami_write {
	uv_write_t req;
	struct ami_client *c;
	char data[];
};

static double wall_now(void)
{
	uv_timeval64_t tv;
	if (uv_gettimeofday(&tv) != 0)
		return 0;
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void set_state(struct ami_client *c, enum source_state st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_state(struct ami_client *c, enum source_state st, const char *fmt, ...)
{
	va_list ap;
	char text[sizeof c->src->info.detail];
	c->src->info.state = st;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	/* it may quote the server (a refusal's Message): no control characters */
	textsafe_copy(c->src->info.detail, sizeof c->src->info.detail, text, -1, TEXTSAFE_UTF8);
}

static void client_maybe_free(struct ami_client *c)
{
	if (!c->closing || c->handles > 0)
		return;
	ami_framer_free(&c->fr);
	ami_mapper_free(&c->map);
	free(c->user);
	free(c->host);
	free(c->port);
	if (c->secret) {
		memset(c->secret, 0, strlen(c->secret));
		free(c->secret);
	}
	free(c->src);
	free(c);
}

static void handle_closed(uv_handle_t *h)
{
	struct ami_client *c = h->data;
	c->handles--;
	client_maybe_free(c);
}

/* --- writing actions */

static void write_done(uv_write_t *req, int status)
{
	struct ami_write *w = (struct ami_write *)req;
	(void)status;                 /* a failed write shows up as a read error */
	w->c->handles--;
	struct ami_client *c = w->c;
	free(w);
	client_maybe_free(c);
}

static void send_action(struct ami_client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void send_action(struct ami_client *c, const char *fmt, ...)
{
	if (!c->conn)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	struct ami_write *w = n > 0 ? malloc(sizeof *w + (size_t)n + 1) : NULL;
	if (!w)
		return;
	va_start(ap, fmt);
	vsnprintf(w->data, (size_t)n + 1, fmt, ap);
	va_end(ap);
	w->c = c;
	uv_buf_t b = uv_buf_init(w->data, (unsigned)n);
	if (uv_write(&w->req, (uv_stream_t *)&c->conn->tcp, &b, 1, write_done) != 0) {
		free(w);
		return;
	}
	c->handles++;
}

/* --- connection life cycle */

static void client_attempt(struct ami_client *c);
static void emit_event(void *ctx, const struct qevent *ev);
static void on_retry(uv_timer_t *t);

static void conn_closed(uv_handle_t *h)
{
	struct ami_conn *k = h->data;
	struct ami_client *c = k->c;
	free(k);
	c->handles--;
	client_maybe_free(c);
}

static void conn_drop(struct ami_client *c)
{
	struct ami_conn *k = c->conn;
	if (!k)
		return;
	c->conn = NULL;
	uv_close((uv_handle_t *)&k->tcp, conn_closed);
}

static uint32_t next_rand(struct ami_client *c)
{
	uint32_t x = c->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return c->rng = x ? x : 0x9e3779b9u;
}

static void finish_done(struct ami_client *c, enum source_state st)
{
	c->phase = PH_DONE;
	c->src->info.state = st;
	ami_mapper_finish(&c->map, emit_event, c);
	if (c->src->sink.done)
		c->src->sink.done(c->src->sink.ctx, c->src);
}

/* Leaves the lookup in flight to itself: cancelled if it has not started,
 * else its result is ignored; its callback frees it either way. */
static void lookup_abandon(struct ami_client *c)
{
	if (!c->lookup)
		return;
	uv_cancel((uv_req_t *)&c->lookup->req);
	c->lookup = NULL;
}

/* The connection failed or ended: wait, then try again (or stop when not
 * following). why says what happened, for info.detail. */
static void client_fail(struct ami_client *c, const char *why)
{
	lookup_abandon(c);
	conn_drop(c);
	uv_timer_stop(&c->pinger);
	uv_timer_stop(&c->deadline);
	uv_timer_stop(&c->resync);
	enum source_state st = c->auth_failed ? SRC_AUTH_FAILED : SRC_RETRYING;
	if (!c->follow) {
		/* --once wanted the QueueStatus seed: without it there is no snapshot */
		enum source_state end = st == SRC_AUTH_FAILED ? st : SRC_ERROR;
		if (c->ever_streamed && st != SRC_AUTH_FAILED && !c->snapshot)
			end = SRC_DONE;
		set_state(c, end, "%s", why);
		finish_done(c, end);
		return;
	}
	/* jitter: 80 % .. 120 % of the backoff */
	double delay = c->backoff * (0.8 + 0.4 * (double)(next_rand(c) % 1001) / 1000.0);
	c->backoff = fmin(c->backoff * 2, c->backoff_max_s);
	c->retry_at = wall_now() + delay;
	c->phase = PH_WAITING;
	set_state(c, st, "%s; retrying in %d s", why, (int)ceil(delay));
	uv_timer_start(&c->deadline, on_retry, (uint64_t)(delay * 1000), 0);
}

static void on_retry(uv_timer_t *t)
{
	client_attempt(t->data);
}

static void on_deadline(uv_timer_t *t)
{
	struct ami_client *c = t->data;
	char why[96];
	snprintf(why, sizeof why, "%s timed out after %g s",
	         c->phase == PH_CONNECTING ? "connecting" :
	         c->phase == PH_STREAMING ? "the QueueStatus reply" : "login", c->timeout_s);
	client_fail(c, why);
}

static void on_ping(uv_timer_t *t)
{
	struct ami_client *c = t->data;
	if (c->sess.ping_out) {
		char why[64];
		snprintf(why, sizeof why, "no answer to Ping within %g s", c->ping_s);
		client_fail(c, why);
		return;
	}
	c->sess.ping_out = true;
	send_action(c, "Action: Ping\r\nActionID: ccb-ping-%llu\r\n\r\n",
	            (unsigned long long)++c->seq);
}

static void emit_event(void *ctx, const struct qevent *ev)
{
	struct ami_client *c = ctx;
	if (c->src->sink.event)
		c->src->sink.event(c->src->sink.ctx, c->src, ev);
}

/* Events: agent carries the queue events from Asterisk 12 (AMI 2.0) on;
 * before that Join and Leave were in the call class. */
static const char *events_for(const char *banner)
{
	const char *slash = banner ? strrchr(banner, '/') : NULL;
	return slash && atoi(slash + 1) < 2 ? "call,agent" : "agent";
}

static void on_banner(struct ami_client *c, const char *banner)
{
	c->phase = PH_LOGIN;
	set_state(c, SRC_AUTHENTICATING, "logging in as %s", c->user);
	send_action(c, "Action: Login\r\nActionID: ccb-login\r\nUsername: %s\r\nSecret: %s\r\n"
	            "Events: %s\r\n\r\n", c->user, c->secret, events_for(banner));
}

/* Asks for the state of every queue (the seed, then each resync); the
 * mapper turns the reply into corrections of live state only. */
static void send_queue_status(struct ami_client *c)
{
	c->sess.qs_pending = ++c->seq;
	send_action(c, "Action: QueueStatus\r\nActionID: ccb-qs-%llu\r\n\r\n",
	            (unsigned long long)c->sess.qs_pending);
}

static void on_resync(uv_timer_t *t)
{
	struct ami_client *c = t->data;
	if (c->phase == PH_STREAMING && !c->sess.qs_pending)
		send_queue_status(c);
}

static void on_login(struct ami_client *c, const struct ami_msg *msg)
{
	const char *resp = ami_get(msg, "Response");
	if (!resp || strcasecmp(resp, "Success") != 0) {
		const char *why = ami_get(msg, "Message");
		char text[100];
		snprintf(text, sizeof text, "login refused: %s", why && *why ? why : "no reason given");
		c->auth_failed = true;
		client_fail(c, text);
		return;
	}
	uv_timer_stop(&c->deadline);
	c->phase = PH_STREAMING;
	c->ever_streamed = true;
	c->auth_failed = false;
	c->backoff = AMI_BACKOFF_FIRST;   /* reset only after a successful login */
	set_state(c, SRC_STREAMING, "logged in as %s", c->user);
	send_queue_status(c);
	if (c->snapshot)                  /* --once: the seed must come in time */
		uv_timer_start(&c->deadline, on_deadline, (uint64_t)(c->timeout_s * 1000), 0);
	uv_timer_start(&c->pinger, on_ping, (uint64_t)(c->ping_s * 1000),
	               (uint64_t)(c->ping_s * 1000));
}

/* --once: the seed has told the state of now; that is the snapshot. */
static void seeded_done(struct ami_client *c)
{
	conn_drop(c);
	uv_timer_stop(&c->pinger);
	uv_timer_stop(&c->deadline);
	uv_timer_stop(&c->resync);
	set_state(c, SRC_DONE, "state read from QueueStatus");
	finish_done(c, SRC_DONE);
}

/* Our QueueStatus's ActionID number, or 0 for another message. */
static uint64_t qs_id(const char *id)
{
	return id && strncmp(id, "ccb-qs-", 7) == 0 ? strtoull(id + 7, NULL, 10) : 0;
}

/* The answer to our QueueStatus: refused, or its list read to its end. */
static void on_queue_status(struct ami_client *c, const struct ami_msg *msg)
{
	const char *resp = ami_get(msg, "Response"), *ev = ami_get(msg, "Event");
	if (resp && strcasecmp(resp, "Success") != 0) {
		const char *why = ami_get(msg, "Message");
		char text[100];
		snprintf(text, sizeof text, "QueueStatus refused: %s", why && *why ? why : resp);
		c->sess.qs_pending = 0;
		if (c->snapshot)
			client_fail(c, text);
		else
			set_state(c, SRC_STREAMING, "logged in as %s; %s", c->user, text);
		return;
	}
	if (!ev || strcasecmp(ev, "QueueStatusComplete") != 0)
		return;
	c->sess.qs_pending = 0;
	c->sess.seeded = true;
	if (c->snapshot) {
		seeded_done(c);
		return;
	}
	if (c->resync_s > 0 && !uv_is_active((uv_handle_t *)&c->resync))
		uv_timer_start(&c->resync, on_resync, (uint64_t)(c->resync_s * 1000),
		               (uint64_t)(c->resync_s * 1000));
}

static void on_msg(void *ctx, const struct ami_msg *msg)
{
	struct ami_client *c = ctx;
	if (!c->conn)
		return;                   /* the rest of a chunk after a failure */
	c->src->info.lines++;
	if (msg->banner || c->phase == PH_BANNER) {
		if (c->phase == PH_BANNER)
			on_banner(c, msg->banner);
		if (msg->banner)
			return;
	}
	const char *id = ami_get(msg, "ActionID");
	if (c->phase == PH_LOGIN) {
		if (id && strcmp(id, "ccb-login") == 0)
			on_login(c, msg);
		return;                   /* nothing counts before the login answer */
	}
	if (id && strncmp(id, "ccb-ping-", 9) == 0 && ami_get(msg, "Response")) {
		c->sess.ping_out = false;
		return;
	}
	ami_mapper_feed(&c->map, msg, wall_now(), emit_event, c);
	c->src->info.ignored_events = c->map.ignored;
	c->src->info.bad_lines = c->map.bad + c->fr.oversized;
	if (c->sess.qs_pending && qs_id(id) == c->sess.qs_pending)
		on_queue_status(c, msg);
}

static void conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct ami_conn *k = h->data;
	(void)suggested;
	*buf = uv_buf_init(k->c->buf, sizeof k->c->buf);
}

static void conn_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct ami_conn *k = s->data;
	struct ami_client *c = k->c;
	if (k != c->conn || nread == 0)
		return;
	if (nread < 0) {
		char why[96];
		snprintf(why, sizeof why, "%s", nread == UV_EOF ? "connection closed by the server"
		                                                : uv_strerror((int)nread));
		if (c->phase != PH_STREAMING && c->phase != PH_LOGIN)
			snprintf(why, sizeof why, "closed before the login");
		else if (c->snapshot && !c->sess.seeded)
			snprintf(why, sizeof why, "closed before the QueueStatus reply ended");
		client_fail(c, why);
		return;
	}
	c->src->info.bytes += (uint64_t)nread;
	ami_framer_feed(&c->fr, buf->base, (size_t)nread, on_msg, c);
}

/* A new connection: nothing of the last one's parsing carries over. */
static void session_start(struct ami_client *c)
{
	c->sess = (struct ami_session){ 0 };
	ami_framer_reset(&c->fr);
	ami_mapper_reset_connection(&c->map);
}

static void on_connect(uv_connect_t *req, int status)
{
	struct ami_conn *k = req->data;
	struct ami_client *c = k->c;
	if (k != c->conn)
		return;                   /* abandoned (timeout or close) */
	if (status < 0) {
		char why[96];
		snprintf(why, sizeof why, "connect to %s:%s: %s", c->host, c->port, uv_strerror(status));
		client_fail(c, why);
		return;
	}
	c->phase = PH_BANNER;
	session_start(c);
	set_state(c, SRC_AUTHENTICATING, "connected, waiting for the banner");
	uv_read_start((uv_stream_t *)&k->tcp, conn_alloc, conn_read);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *ai)
{
	struct ami_lookup *lk = req->data;
	struct ami_client *c = lk->c;
	bool current = lk == c->lookup;
	if (current)
		c->lookup = NULL;
	free(lk);
	c->handles--;
	if (c->closing || !current) {       /* abandoned: timed out, or closing */
		uv_freeaddrinfo(ai);
		client_maybe_free(c);
		return;
	}
	if (status < 0 || !ai) {
		char why[96];
		snprintf(why, sizeof why, "cannot resolve %s: %s", c->host, uv_strerror(status));
		uv_freeaddrinfo(ai);
		client_fail(c, why);
		return;
	}
	struct ami_conn *k = calloc(1, sizeof *k);
	if (!k || uv_tcp_init(c->loop, &k->tcp) != 0) {
		free(k);
		uv_freeaddrinfo(ai);
		client_fail(c, "out of memory");
		return;
	}
	k->c = c;
	k->tcp.data = k;
	k->req.data = k;
	c->handles++;
	c->conn = k;
	int rc = uv_tcp_connect(&k->req, &k->tcp, ai->ai_addr, on_connect);
	uv_freeaddrinfo(ai);
	if (rc != 0) {
		char why[96];
		snprintf(why, sizeof why, "connect to %s:%s: %s", c->host, c->port, uv_strerror(rc));
		client_fail(c, why);
	}
}

static void client_attempt(struct ami_client *c)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	c->phase = PH_CONNECTING;
	set_state(c, c->auth_failed ? SRC_AUTH_FAILED : SRC_CONNECTING, "connecting to %s:%s",
	          c->host, c->port);
	uv_timer_start(&c->deadline, on_deadline, (uint64_t)(c->timeout_s * 1000), 0);
	struct ami_lookup *lk = calloc(1, sizeof *lk);
	int rc = UV_ENOMEM;
	if (lk) {
		lk->c = c;
		lk->req.data = lk;
		rc = uv_getaddrinfo(c->loop, &lk->req, on_resolved, c->host, c->port, &hints);
	}
	if (rc != 0) {
		char why[96];
		free(lk);
		snprintf(why, sizeof why, "cannot resolve %s: %s", c->host, uv_strerror(rc));
		client_fail(c, why);
		return;
	}
	c->lookup = lk;
	c->handles++;
}

/* --- the source interface */

static void ami_close(struct source *src)
{
	struct ami_client *c = src->impl;
	c->closing = true;
	c->phase = PH_DONE;
	conn_drop(c);
	lookup_abandon(c);
	uv_close((uv_handle_t *)&c->deadline, handle_closed);
	uv_close((uv_handle_t *)&c->pinger, handle_closed);
	uv_close((uv_handle_t *)&c->resync, handle_closed);
}

static void ami_tick(struct source *src, int64_t now)
{
	struct ami_client *c = src->impl;
	(void)now;
	double t = wall_now();
	if (c->phase == PH_STREAMING)
		ami_mapper_flush(&c->map, t, emit_event, c);
	if (c->phase == PH_WAITING) {
		char *semi = strstr(src->info.detail, "; retrying in ");
		if (semi)
			snprintf(semi, sizeof src->info.detail - (size_t)(semi - src->info.detail),
			         "; retrying in %d s", (int)fmax(0, ceil(c->retry_at - t)));
	}
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if (iscntrl((unsigned char)*s))
			return true;
	return false;
}

/* Reads the first line of the secret file. Returns it malloc'ed, or NULL
 * with *cause set. */
static char *secret_from_file(const char *path, char **cause)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		*cause = xasprintf("[ami] secret_file %s: %s", path, strerror(errno));
		return NULL;
	}
	char line[512];
	char *s = fgets(line, sizeof line, f) ? line : NULL;
	fclose(f);
	if (s)
		s[strcspn(s, "\r\n")] = '\0';
	if (!s || !*s) {
		*cause = xasprintf("[ami] secret_file %s: empty", path);
		return NULL;
	}
	char *dup = strdup(s);
	memset(line, 0, sizeof line);
	return dup;
}

static char *secret_from_config(const struct config *cfg, char **cause)
{
	if (cfg && cfg->ami_secret && *cfg->ami_secret)
		return strdup(cfg->ami_secret);
	if (cfg && cfg->ami_secret_file && *cfg->ami_secret_file)
		return secret_from_file(cfg->ami_secret_file, cause);
	*cause = xasprintf("no AMI secret: set [ami] secret or secret_file in the configuration "
	                   "(it is never taken from the command line)");
	return NULL;
}

/* Option "?ping=S&timeout=S&backoff_max=S". Returns 0, or -1 with *cause. */
static int parse_options(struct ami_client *c, const char *q, char **cause)
{
	while (q && *q) {
		const char *amp = strchr(q, '&');
		size_t n = amp ? (size_t)(amp - q) : strlen(q);
		char kv[64];
		snprintf(kv, sizeof kv, "%.*s", (int)(n < sizeof kv ? n : sizeof kv - 1), q);
		char *eq = strchr(kv, '=');
		char *end = NULL;
		double v = eq ? strtod(eq + 1, &end) : 0;
		if (!eq || end == eq + 1 || *end || !(v > 0) || v > 86400) {
			*cause = xasprintf("bad AMI option '%s' (ping=S, timeout=S, backoff_max=S)", kv);
			return -1;
		}
		*eq = '\0';
		if (strcmp(kv, "ping") == 0)
			c->ping_s = v;
		else if (strcmp(kv, "timeout") == 0)
			c->timeout_s = v;
		else if (strcmp(kv, "backoff_max") == 0)
			c->backoff_max_s = v;
		else {
			*cause = xasprintf("unknown AMI option '%s'", kv);
			return -1;
		}
		q = amp ? amp + 1 : NULL;
	}
	return 0;
}

/* "ami://USER@HOST[:PORT][?opts]" into c. Returns 0, or -1 with *cause. */
static int parse_spec(struct ami_client *c, const char *spec, char **cause)
{
	const char *p = spec + strlen("ami://");
	const char *at = strchr(p, '@');
	const char *q = strchr(p, '?');
	size_t hl = q ? (size_t)(q - p) : strlen(p);
	if (!at || at == p || (q && at > q)) {
		*cause = xasprintf("expected ami://USER@HOST:PORT: '%s'", spec);
		return -1;
	}
	if (memchr(p, ':', (size_t)(at - p))) {
		*cause = xasprintf("no secret on the command line: put it in the configuration "
		                   "([ami] secret or secret_file)");
		return -1;
	}
	c->user = strndup(p, (size_t)(at - p));
	const char *h = at + 1, *hend = p + hl;
	const char *colon = NULL;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(hend - h));
		colon = rb && rb + 1 < hend && rb[1] == ':' ? rb + 1 : NULL;
		c->host = rb ? strndup(h + 1, (size_t)(rb - h - 1)) : NULL;
	} else {
		colon = memchr(h, ':', (size_t)(hend - h));
		c->host = strndup(h, (size_t)((colon ? colon : hend) - h));
	}
	c->port = colon ? strndup(colon + 1, (size_t)(hend - colon - 1)) : strdup(AMI_DEFAULT_PORT);
	char *end = NULL;
	long port = c->port ? strtol(c->port, &end, 10) : -1;
	if (!c->user || !c->host || !*c->host || !end || *end || port < 1 || port > 65535 ||
	    has_control(c->user)) {
		*cause = xasprintf("expected ami://USER@HOST:PORT: '%s'", spec);
		return -1;
	}
	return parse_options(c, q ? q + 1 : NULL, cause);
}

static void client_discard(struct ami_client *c)
{
	free(c->user);
	free(c->host);
	free(c->port);
	free(c->secret);
	free(c->src);
	free(c);
}

struct source *source_ami_open(uv_loop_t *loop, const char *spec, const struct source_opts *opts,
                               const struct source_sink *sink, char **cause)
{
	*cause = NULL;
	struct ami_client *c = calloc(1, sizeof *c);
	struct source *src = calloc(1, sizeof *src);
	if (!c || !src) {
		free(c);
		free(src);
		*cause = xasprintf("out of memory");
		return NULL;
	}
	c->src = src;
	c->ping_s = 20;
	c->timeout_s = 10;
	c->backoff_max_s = 60;
	c->resync_s = opts && opts->cfg ? opts->cfg->ami_resync_s : 60;
	if (strncmp(spec, "ami://", 6) != 0 || parse_spec(c, spec, cause) != 0 ||
	    (c->secret = secret_from_config(opts ? opts->cfg : NULL, cause)) == NULL) {
		client_discard(c);
		return NULL;
	}
	if (has_control(c->secret)) {
		*cause = xasprintf("the AMI secret holds a control character");
		client_discard(c);
		return NULL;
	}
	c->loop = loop;
	c->follow = opts ? opts->follow : true;
	c->snapshot = opts ? opts->snapshot : false;
	c->backoff = AMI_BACKOFF_FIRST;
	c->rng = (uint32_t)uv_hrtime() ^ (uint32_t)getpid() << 16;
	ami_framer_init(&c->fr);
	ami_mapper_init(&c->map);
	const char *q = strchr(spec, '?');
	snprintf(src->info.name, sizeof src->info.name, "%.*s",
	         (int)(q ? (size_t)(q - spec) : strlen(spec)), spec);
	src->info.kind = "ami";
	if (sink)
		src->sink = *sink;
	src->impl = c;
	src->close_impl = ami_close;
	src->tick_impl = ami_tick;
	uv_timer_init(loop, &c->deadline);
	uv_timer_init(loop, &c->pinger);
	uv_timer_init(loop, &c->resync);
	c->deadline.data = c->pinger.data = c->resync.data = c;
	c->handles = 3;
	client_attempt(c);
	return src;
}
