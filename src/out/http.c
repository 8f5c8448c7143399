/* http.c - the HTTP listener: libmicrohttpd on the libuv loop (http.h). */
#include "http.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exposition.h"
#include "mhd_load.h"
#include "out_print.h"
#include "textsafe.h"
#include "util.h"

struct http {
	uv_loop_t *loop;
	struct MHD_Daemon *d;
	uv_poll_t poll;
	uv_timer_t timer;
	bool started, stopped;
	char *token;
	size_t token_len, max_body;
	struct source src;              /* the "http" source: name, counters, the sink */
	const struct snapshot *snap;    /* the latest published (the holder's), or NULL */
	uint64_t gen;                   /* publishes so far */
	char *json, *metrics;           /* rendered from snap at gen json_gen, metrics_gen */
	size_t json_len, metrics_len;
	uint64_t json_gen, metrics_gen;
};

/* One POST /events being received. */
struct req {
	char *body;
	size_t len, cap;
	bool too_big;
};

/* ---- pure helpers ---------------------------------------------------------- */

bool http_token_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	volatile unsigned char diff = alen != blen;
	size_t n = alen > blen ? alen : blen;
	for (size_t i = 0; i < n; i++) {
		unsigned char x = i < alen ? (unsigned char)a[i] : 0;
		unsigned char y = i < blen ? (unsigned char)b[i] : 0;
		diff |= x ^ y;
	}
	return diff == 0;
}

/* Splits "HOST:PORT" / "[V6]:PORT" / "*:PORT" into host (buf) and port. */
static int split_listen(const char *spec, char *host, size_t n, long *port)
{
	const char *colon;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= n)
			return -1;
		snprintf(host, n, "%.*s", (int)(close - spec - 1), spec + 1);
		colon = close + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon || (size_t)(colon - spec) >= n || memchr(spec, ':', (size_t)(colon - spec)))
			return -1;
		snprintf(host, n, "%.*s", (int)(colon - spec), spec);
	}
	char *end;
	errno = 0;
	*port = strtol(colon + 1, &end, 10);
	return errno || end == colon + 1 || *end || *port < 0 || *port > 65535 ? -1 : 0;
}

int http_parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
                      bool *loopback, char **cause)
{
	char host[64];
	long port;
	memset(ss, 0, sizeof *ss);
	if (split_listen(spec, host, sizeof host, &port) < 0) {
		*cause = xasprintf("listen '%s': not HOST:PORT, [IPV6]:PORT or *:PORT", spec);
		return -1;
	}
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (strcmp(host, "*") == 0 || strcmp(host, "0.0.0.0") == 0) {
		v4->sin_family = AF_INET;
		v4->sin_addr.s_addr = htonl(INADDR_ANY);
	} else if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
	} else if (spec[0] == '[' && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
	} else {
		*cause = xasprintf("listen '%s': '%s' is not an IP address (names are not looked up)",
		                   spec, host);
		return -1;
	}
	if (v4->sin_family == AF_INET) {
		v4->sin_port = htons((uint16_t)port);
		*loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
		*len = sizeof *v4;
	} else {
		v6->sin6_port = htons((uint16_t)port);
		*loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
		*len = sizeof *v6;
	}
	return 0;
}

char *http_read_token(const char *path, char **cause)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char buf[512];
	if (fd < 0 || fstat(fd, &st) != 0) {
		*cause = xasprintf("[http] token_file %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (st.st_mode & 077) {
		*cause = xasprintf("[http] token_file %s is open to group or others (mode %03o): "
		                   "chmod 600 %s", path, (unsigned)(st.st_mode & 0777), path);
		close(fd);
		return NULL;
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0') {
		*cause = xasprintf("[http] token_file %s: empty", path);
		return NULL;
	}
	char *tok = xstrdup(buf);
	memset(buf, 0, sizeof buf);
	return tok;
}

/* ---- the process, from /proc ------------------------------------------------ */

/* Open descriptors: the entries of /proc/self/fd but the directory's own. */
static double count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	double n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

/* The boot time (epoch seconds), for the start time of a process. */
static double boot_time(void)
{
	char buf[256];
	double btime = 0;
	FILE *f = fopen("/proc/stat", "re");
	while (f && fgets(buf, sizeof buf, f))
		if (sscanf(buf, "btime %lf", &btime) == 1)
			break;
	if (f)
		fclose(f);
	return btime;
}

/* The process figures of a Go exporter, from /proc (in memory: no disk wait
 * on the loop). known is false when /proc cannot be read. */
static struct expo_process read_process(void)
{
	struct expo_process p = { 0 };
	char buf[1024];
	unsigned long long utime, stime, start, vsize;
	long long rss;
	double tck = (double)sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	char *after = strrchr(buf, ')');       /* the command may hold spaces */
	if (!after || sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
	                     "%*d %*d %*d %*d %*d %*d %llu %llu %lld",
	                     &utime, &stime, &start, &vsize, &rss) != 5)
		return p;
	p.known = true;
	p.cpu_seconds = (double)(utime + stime) / tck;
	p.start_time_seconds = boot_time() + (double)start / tck;
	p.virtual_bytes = (double)vsize;
	p.resident_bytes = (double)rss * (double)sysconf(_SC_PAGESIZE);
	p.open_fds = count_fds();
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		p.max_fds = (double)rl.rlim_cur;
	return p;
}

/* libmicrohttpd's functions, loaded by the first listener (mhd_load.h). */
static const struct mhd_api *mhd;

/* ---- responses ----------------------------------------------------------------- */

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
                               const char *body, size_t len, const char *h, const char *hv)
{
	struct MHD_Response *r = mhd->create_response_from_buffer(len, (void *)body,
	                                                         MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	mhd->add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	mhd->add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (h)
		mhd->add_response_header(r, h, hv);
	enum MHD_Result rc = mhd->queue_response(c, status, r);
	mhd->destroy_response(r);
	return rc;
}

static enum MHD_Result respond_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	return respond(c, status, "text/plain; charset=utf-8", text, strlen(text), NULL, NULL);
}

/* Renders what the snapshot's gen says into *buf unless it is already. */
static void render(struct http *h, bool metrics)
{
	char **buf = metrics ? &h->metrics : &h->json;
	size_t *len = metrics ? &h->metrics_len : &h->json_len;
	uint64_t *gen = metrics ? &h->metrics_gen : &h->json_gen;
	if (*buf && *gen == h->gen)
		return;
	/* --json's worker still writing its line to a slow reader: the last
	 * line (a tick older, its as_of says so), not a wait on the loop */
	if (*buf && !metrics && out_print_json_writing())
		return;
	free(*buf);
	*buf = NULL;
	if (!metrics && (*buf = out_print_json_copy(len)) != NULL) {   /* --json's line */
		*gen = h->gen;
		return;
	}
	FILE *mem = open_memstream(buf, len);
	if (!mem)
		fatal("out of memory");
	int rc = metrics ? expo_write(h->snap, NULL, mem) : snapshot_write_json(h->snap, mem);
	if (fclose(mem) != 0 || rc != 0)
		fatal("out of memory");
	*gen = h->gen;
}

static enum MHD_Result get_metrics(struct http *h, struct MHD_Connection *c)
{
	render(h, true);
	struct expo_process p = read_process();
	char *out = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&out, &len);
	if (!mem)
		fatal("out of memory");
	fwrite(h->metrics, 1, h->metrics_len, mem);
	if (p.known)                         /* fresh at each scrape */
		expo_write_process(&p, mem);
	if (fclose(mem) != 0)
		fatal("out of memory");
	enum MHD_Result rc = respond(c, MHD_HTTP_OK, EXPO_CONTENT_TYPE, out, len, NULL, NULL);
	free(out);
	return rc;
}

static enum MHD_Result get_healthz(struct http *h, struct MHD_Connection *c)
{
	char *out = NULL;
	size_t len = 0, down = 0;
	FILE *mem = open_memstream(&out, &len);
	if (!mem)
		fatal("out of memory");
	for (size_t i = 0; i < h->snap->n_sources; i++) {
		const struct snap_source *s = &h->snap->sources[i];
		if (!expo_source_down(s->state))
			continue;
		down++;
		char *name = textsafe_dup(s->name, 200, 0), *detail = textsafe_dup(s->detail, 200, 0);
		fprintf(mem, "%s (%s): %s%s%s\n", name, s->kind ? s->kind : "",
		        source_state_name(s->state), *detail ? ": " : "", detail);
		free(name);
		free(detail);
	}
	fclose(mem);
	enum MHD_Result rc = down ? respond_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, out)
	                          : respond_text(c, MHD_HTTP_OK, "ok\n");
	free(out);
	return rc;
}

/* Hands each line of the body to the sink as the source "http"; a line whose
 * parse or apply failed counts in bad_lines and is listed (1-based). */
static enum MHD_Result post_lines(struct http *h, struct MHD_Connection *c, struct req *rq)
{
	char *list = NULL;
	size_t len = 0, accepted = 0, bad = 0, lineno = 0;
	FILE *mem = open_memstream(&list, &len);
	if (!mem)
		fatal("out of memory");
	char *p = rq->body, *end = rq->body + rq->len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *stop = nl ? nl : end;
		size_t n = (size_t)(stop - p);
		lineno++;
		if (n && p[n - 1] == '\r')
			n--;
		p[n] = '\0';                     /* the body has room for it past its end */
		if (n) {
			uint64_t before = h->src.info.bad_lines;
			h->src.info.lines++;
			h->src.info.bytes += n + 1;
			h->src.sink.line(h->src.sink.ctx, &h->src, p, n);
			if (h->src.info.bad_lines != before)
				fprintf(mem, "%s%zu", bad++ ? ", " : "", lineno);
			else
				accepted++;
		}
		p = stop + 1;
	}
	if (fclose(mem) != 0)
		fatal("out of memory");
	char *out = xasprintf("{\"accepted\": %zu, \"bad_lines\": [%s]}\n", accepted, list);
	enum MHD_Result rc = respond(c, accepted ? MHD_HTTP_OK : MHD_HTTP_BAD_REQUEST,
	                             "application/json", out, strlen(out), NULL, NULL);
	free(list);
	free(out);
	return rc;
}

static enum MHD_Result unauthorized(struct MHD_Connection *c, const char *why)
{
	return respond(c, MHD_HTTP_UNAUTHORIZED, "text/plain; charset=utf-8", why, strlen(why),
	               MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"ccboard\"");
}

/* True when the request carries the token. */
static bool authorized(const struct http *h, struct MHD_Connection *c)
{
	const char *a = mhd->lookup_connection_value(c, MHD_HEADER_KIND,
	                                            MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h->token || !a || strncasecmp(a, "Bearer ", 7) != 0)
		return false;
	a += 7;
	while (*a == ' ')
		a++;
	return http_token_equal(a, strlen(a), h->token, h->token_len);
}

/* Content-Length past the limit: refused before the body is read. */
static bool declared_too_big(const struct http *h, struct MHD_Connection *c)
{
	const char *cl = mhd->lookup_connection_value(c, MHD_HEADER_KIND,
	                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
	return cl && strtoull(cl, NULL, 10) > h->max_body;
}

static enum MHD_Result too_big(struct MHD_Connection *c)
{
	return respond_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body over [http] max_body\n");
}

/* POST /events, called once with the headers, then per piece of the body,
 * then once more with none. */
static enum MHD_Result post_events(struct http *h, struct MHD_Connection *c, const char *data,
                                   size_t *size, void **con_cls)
{
	struct req *rq = *con_cls;
	if (rq == NULL) {
		if (!authorized(h, c))
			return unauthorized(c, h->token ? "a valid 'Authorization: Bearer TOKEN' is "
			                    "required\n" : "no [http] token_file is configured: POST "
			                    "/events is refused\n");
		if (declared_too_big(h, c))
			return too_big(c);
		*con_cls = rq = xcalloc(1, sizeof *rq);
		return MHD_YES;
	}
	if (*size) {
		if (!rq->too_big && rq->len + *size > h->max_body)
			rq->too_big = true;
		if (!rq->too_big) {
			if (rq->len + *size + 1 > rq->cap) {
				rq->cap = (rq->len + *size + 1) * 2;
				rq->cap = rq->cap > h->max_body + 1 ? h->max_body + 1 : rq->cap;
				rq->body = xrealloc(rq->body, rq->cap);
			}
			memcpy(rq->body + rq->len, data, *size);
			rq->len += *size;
		}
		*size = 0;
		return MHD_YES;
	}
	if (rq->too_big)
		return too_big(c);
	if (!rq->body)
		rq->body = xmalloc(1);
	return post_lines(h, c, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static bool is_get(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **con_cls)
{
	struct http *h = cls;
	bool events = strcmp(url, "/events") == 0;
	bool known = events || strcmp(url, "/metrics") == 0 || strcmp(url, "/snapshot") == 0 ||
	             strcmp(url, "/healthz") == 0;
	if (!known)
		return respond_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	if (events && strcmp(method, "POST") == 0)
		return post_events(h, c, data, size, con_cls);
	if (events || !is_get(method))
		return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
		               "method not allowed\n", 19, MHD_HTTP_HEADER_ALLOW,
		               events ? "POST" : "GET, HEAD");
	if (h->snap == NULL)
		return respond_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "starting\n");
	if (strcmp(url, "/metrics") == 0)
		return get_metrics(h, c);
	if (strcmp(url, "/healthz") == 0)
		return get_healthz(h, c);
	render(h, false);
	return respond(c, MHD_HTTP_OK, "application/json", h->json, h->json_len, NULL, NULL);
}

/* ---- the loop ---------------------------------------------------------------------- */

static void on_timer(uv_timer_t *t);

/* Runs MHD, then arms the timer for what it says it has to do next. */
static void drive(struct http *h)
{
	MHD_UNSIGNED_LONG_LONG ms;
	mhd->run(h->d);
	if (mhd->get_timeout(h->d, &ms) == MHD_YES)
		uv_timer_start(&h->timer, on_timer, (uint64_t)ms, 0);
	else
		uv_timer_stop(&h->timer);
}

static void on_timer(uv_timer_t *t)
{
	drive(t->data);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	drive(p->data);
}

/* ---- the output --------------------------------------------------------------------- */

static void http_publish(void *ctx, const struct snapshot *s)
{
	struct http *h = ctx;
	h->snap = s;
	h->gen++;
}

/* The listener is always shown among the sources, as "http". */
static bool http_health(void *ctx, struct snap_source *out)
{
	struct http *h = ctx;
	const union MHD_DaemonInfo *i = h->d ? mhd->get_daemon_info(h->d,
	                                       MHD_DAEMON_INFO_CURRENT_CONNECTIONS) : NULL;
	h->src.info.clients = i ? (int)i->num_connections : 0;
	*out = h->src.info;
	return true;
}

static void http_stop(void *ctx)
{
	struct http *h = ctx;
	if (h->stopped)
		return;
	h->stopped = true;
	h->snap = NULL;
	uv_close((uv_handle_t *)&h->poll, NULL);   /* before MHD closes the fd it watches */
	uv_close((uv_handle_t *)&h->timer, NULL);
	mhd->stop_daemon(h->d);
	h->d = NULL;
}

static int http_close(void *ctx, int rc)
{
	struct http *h = ctx;
	free(h->json);
	free(h->metrics);
	if (h->token)
		memset(h->token, 0, h->token_len);
	free(h->token);
	free(h);
	return rc;
}

int http_reload(void *ctx, const char *token_file, size_t max_body, char **cause)
{
	struct http *h = ctx;
	h->max_body = max_body;
	if (!token_file)
		return 0;
	char *tok = http_read_token(token_file, cause);
	if (!tok)
		return -1;
	if (h->token)
		memset(h->token, 0, h->token_len);
	free(h->token);
	h->token = tok;
	h->token_len = strlen(tok);
	return 0;
}

static const struct output_ops http_ops = {
	.name = "http",
	.publish = http_publish,
	.health = http_health,
	.stop = http_stop,
	.close = http_close,
};

/* Starts the daemon on addr; returns NULL after setting *cause. */
static struct MHD_Daemon *start_daemon(struct http *h, const struct sockaddr_storage *ss,
                                       char **cause)
{
	unsigned flags = MHD_USE_EPOLL | (ss->ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	struct MHD_Daemon *d = mhd->start_daemon(flags, 0, NULL, NULL, on_request, h,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONNECTION_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONNECTION_MEMORY,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
		MHD_OPTION_END);
	if (!d)
		*cause = xasprintf("cannot listen on %s: %s", h->src.info.detail,
		                   errno ? strerror(errno) : "libmicrohttpd refused");
	return d;
}

/* Watches the daemon's epoll fd on the loop. */
static int start_watch(struct http *h, char **cause)
{
	const union MHD_DaemonInfo *i = mhd->get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
	int rc = i ? uv_poll_init(h->loop, &h->poll, i->epoll_fd) : UV_EINVAL;
	if (rc != 0) {
		*cause = xasprintf("cannot watch the listener: %s", uv_strerror(rc));
		return -1;
	}
	h->poll.data = h;
	uv_timer_init(h->loop, &h->timer);
	h->timer.data = h;
	uv_poll_start(&h->poll, UV_READABLE, on_poll);
	return 0;
}

/* Fills the "http" source's info: the address bound (the port when 0 was asked). */
static void name_source(struct http *h, const char *listen)
{
	snprintf(h->src.info.name, sizeof h->src.info.name, "http");
	h->src.info.kind = "http";
	h->src.info.state = SRC_LISTENING;
	snprintf(h->src.info.detail, sizeof h->src.info.detail, "%s", listen);
}

struct output http_new(uv_loop_t *loop, const struct http_conf *conf,
                       const struct source_sink *sink, char **cause)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool loopback;
	struct output none = { NULL, NULL };
	if (http_parse_listen(conf->listen, &ss, &len, &loopback, cause) < 0)
		return none;
	if ((mhd = mhd_load(cause)) == NULL)
		return none;
	struct http *h = xcalloc(1, sizeof *h);
	h->loop = loop;
	h->max_body = conf->max_body;
	h->src.sink = *sink;
	name_source(h, conf->listen);
	if (conf->token_file && (h->token = http_read_token(conf->token_file, cause)) == NULL)
		goto fail;
	h->token_len = h->token ? strlen(h->token) : 0;
	if (!loopback && !h->token) {
		*cause = xasprintf("listen %s is not a loopback address: set [http] token_file "
		                   "(a file of mode 600 holding the token) to serve beyond this host",
		                   conf->listen);
		goto fail;
	}
	if ((h->d = start_daemon(h, &ss, cause)) == NULL)
		goto fail;
	if (start_watch(h, cause) < 0) {
		mhd->stop_daemon(h->d);
		goto fail;
	}
	const union MHD_DaemonInfo *i = mhd->get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	if (i && i->port)
		snprintf(strrchr(h->src.info.detail, ':') + 1, 8, "%u", (unsigned)i->port);
	drive(h);
	return (struct output){ &http_ops, h };
fail:
	free(h->token);
	free(h);
	return none;
}
