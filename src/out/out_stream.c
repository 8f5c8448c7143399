/* out_stream.c - standard output without blocking the loop (see out_stream.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "out_stream.h"
#include "util.h"

#define OUT_RETRY_MS 50          /* sockets: how often a blocked send is tried again */

enum out_kind {
	OUT_PLAIN,               /* regular file: plain writes */
	OUT_POLLED,              /* non-blocking fd watched with uv_poll */
	OUT_SOCKET               /* send(MSG_DONTWAIT), retried on a timer */
};

/* A chunk's bytes are its own (buf) or the caller's pieces (iov), borrowed
 * until written or out_stream_detach; i and ioff: where its next byte is. */
struct chunk {
	char *buf;
	const struct iovec *iov;
	size_t n_iov, i, ioff;
	size_t len, off;
	struct chunk *next;
};

struct out_stream {
	uv_loop_t *loop;
	enum out_kind kind;
	enum out_policy policy;
	int fd;                  /* where the bytes go */
	bool own_fd;             /* a reopened description: ours to close */
	int shared_fd;           /* fallback: whose flags to put back (-1: none) */
	int shared_flags;
	struct chunk *head, *tail;
	size_t bytes_pending;
	uv_poll_t poll;
	uv_timer_t retry;
	bool has_poll, has_timer, watching, stopped;
	int err;                 /* the first write error: the stream is dead */
	out_error_fn on_error;
	void *ctx;
	struct out_stream_stats st;
};

/* ---- choosing how to write ---------------------------------------------------- */

/* A new description of fd's pipe or terminal, non-blocking, or -1. */
static int reopen_private(int fd)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

static void setup_polled(struct out_stream *os, int fd)
{
	int nfd = reopen_private(fd);
	if (nfd >= 0) {
		os->fd = nfd;
		os->own_fd = true;
	} else if (errno == ENXIO) {
		os->err = UV_EPIPE;      /* a FIFO with no reader left */
		return;
	} else {
		/* no /proc: the shared description goes non-blocking until we exit */
		os->shared_fd = fd;
		os->shared_flags = fcntl(fd, F_GETFL);
	}
	os->kind = OUT_POLLED;
	if (uv_poll_init(os->loop, &os->poll, os->fd) == 0) {
		os->poll.data = os;
		os->has_poll = true;
	} else {
		os->kind = OUT_PLAIN;    /* not pollable: write it plainly */
	}
}

static void setup(struct out_stream *os, int fd)
{
	struct stat sb;
	os->fd = fd;
	os->kind = OUT_PLAIN;
	if (fstat(fd, &sb) != 0 || S_ISREG(sb.st_mode) || S_ISBLK(sb.st_mode))
		return;
	if (S_ISSOCK(sb.st_mode)) {
		os->kind = OUT_SOCKET;
		uv_timer_init(os->loop, &os->retry);
		os->retry.data = os;
		os->has_timer = true;
		return;
	}
	if (S_ISCHR(sb.st_mode) && !isatty(fd))
		return;                  /* /dev/null and the like */
	setup_polled(os, fd);
}

struct out_stream *out_stream_new(uv_loop_t *loop, int fd, enum out_policy policy,
                                  out_error_fn on_error, void *ctx)
{
	struct out_stream *os = xcalloc(1, sizeof *os);
	os->loop = loop;
	os->policy = policy;
	os->on_error = on_error;
	os->ctx = ctx;
	os->shared_fd = -1;
	setup(os, fd);
	return os;
}

/* ---- writing -------------------------------------------------------------------- */

static void pop_head(struct out_stream *os)
{
	struct chunk *c = os->head;
	os->head = c->next;
	if (os->head == NULL)
		os->tail = NULL;
	os->bytes_pending -= c->len;
	os->st.pending--;
	free(c->buf);
	free(c);
}

static ssize_t write_some(const struct out_stream *os, const char *p, size_t n)
{
	if (os->kind == OUT_SOCKET)
		return send(os->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	return write(os->fd, p, n);
}

/* Writes what it can of c's borrowed pieces, from where it stopped, up to
 * IOV_MAX of them per call. */
static ssize_t writev_some(const struct out_stream *os, const struct chunk *c)
{
	struct iovec v[IOV_MAX];
	int k = 0;
	for (size_t j = c->i; j < c->n_iov && k < IOV_MAX; j++)
		v[k++] = c->iov[j];
	v[0].iov_base = (char *)v[0].iov_base + c->ioff;
	v[0].iov_len -= c->ioff;
	if (os->kind == OUT_SOCKET) {
		struct msghdr m = { .msg_iov = v, .msg_iovlen = (size_t)k };
		return sendmsg(os->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	return writev(os->fd, v, k);
}

/* Moves c's place in its pieces n bytes on. */
static void advance_pieces(struct chunk *c, size_t n)
{
	while (c->i < c->n_iov) {
		size_t rest = c->iov[c->i].iov_len - c->ioff;
		if (n < rest) {
			c->ioff += n;
			return;
		}
		n -= rest;
		c->ioff = 0;
		c->i++;
	}
}

static ssize_t write_chunk(const struct out_stream *os, const struct chunk *c)
{
	if (c->buf == NULL && c->iov != NULL)
		return writev_some(os, c);
	return write_some(os, c->buf + c->off, c->len - c->off);
}

/* Writes what it can without waiting. Returns 0 (all written, or the rest
 * would block) or a libuv error code. */
static int write_pending(struct out_stream *os)
{
	while (os->head) {
		struct chunk *c = os->head;
		ssize_t n = c->off == c->len ? 0 : write_chunk(os, c);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return uv_translate_sys_error(errno);
		c->off += (size_t)n;
		if (c->buf == NULL && c->iov != NULL)
			advance_pieces(c, (size_t)n);
		os->st.bytes += (uint64_t)n;
		if (c->off == c->len) {
			os->st.written++;
			pop_head(os);
		}
	}
	return 0;
}

static void on_writable(uv_poll_t *h, int status, int events);
static void on_retry(uv_timer_t *t);

/* Watches the fd while something is pending, and only then. */
static void watch(struct out_stream *os)
{
	bool want = os->head != NULL && !os->stopped && os->err == 0;
	if (want == os->watching)
		return;
	os->watching = want;
	if (os->has_poll && !uv_is_closing((uv_handle_t *)&os->poll)) {
		if (want)
			uv_poll_start(&os->poll, UV_WRITABLE, on_writable);
		else
			uv_poll_stop(&os->poll);
	}
	if (os->has_timer && !uv_is_closing((uv_handle_t *)&os->retry)) {
		if (want)
			uv_timer_start(&os->retry, on_retry, OUT_RETRY_MS, OUT_RETRY_MS);
		else
			uv_timer_stop(&os->retry);
	}
}

static void fail(struct out_stream *os, int err)
{
	os->err = err;
	while (os->head)
		pop_head(os);
	watch(os);
}

static void on_ready(struct out_stream *os)
{
	int rc = write_pending(os);
	if (rc != 0) {
		fail(os, rc);
		if (os->on_error)
			os->on_error(os->ctx, rc);
		return;
	}
	watch(os);
}

static void on_writable(uv_poll_t *h, int status, int events)
{
	struct out_stream *os = h->data;
	(void)events;
	if (status < 0)              /* libuv stopped the handle (POLLERR: the reader */
		os->watching = false;    /* has gone); the write below says why */
	on_ready(os);
}

static void on_retry(uv_timer_t *t)
{
	on_ready(t->data);
}

/* Puts c in the queue: OUT_KEEP_NEWEST replaces a chunk still waiting. */
static void enqueue(struct out_stream *os, struct chunk *c)
{
	if (os->policy == OUT_KEEP_NEWEST && os->head && os->head != os->tail) {
		struct chunk *old = os->tail;
		os->bytes_pending -= old->len;
		free(old->buf);
		*old = *c;
		old->next = NULL;
		os->bytes_pending += c->len;
		os->st.dropped++;
		free(c);
		return;
	}
	if (os->tail)
		os->tail->next = c;
	else
		os->head = c;
	os->tail = c;
	os->bytes_pending += c->len;
	os->st.pending++;
}

/* Queues c and writes what can be written now. */
static int queue_and_write(struct out_stream *os, struct chunk *c)
{
	int rc;
	enqueue(os, c);
	if (os->kind == OUT_PLAIN || os->bytes_pending > OUT_MAX_PENDING)
		rc = out_stream_flush(os, -1);
	else
		rc = write_pending(os);
	if (rc != 0) {
		fail(os, rc);
		return rc;
	}
	watch(os);
	return 0;
}

int out_stream_write(struct out_stream *os, char *buf, size_t len)
{
	struct chunk *c;
	if (os->err) {
		free(buf);
		return os->err;
	}
	c = xcalloc(1, sizeof *c);
	c->buf = buf;
	c->len = len;
	return queue_and_write(os, c);
}

int out_stream_write_pieces(struct out_stream *os, const struct iovec *iov, size_t n,
                            size_t len)
{
	struct chunk *c;
	if (os->err)
		return os->err;
	c = xcalloc(1, sizeof *c);
	c->iov = iov;
	c->n_iov = n;
	c->len = len;
	while (c->i < c->n_iov && c->iov[c->i].iov_len == 0)
		c->i++;
	return queue_and_write(os, c);
}

/* Copies what c has not written yet of its borrowed pieces into a buffer of
 * its own (only that rest: the bytes written are not kept). */
static void detach_chunk(struct out_stream *os, struct chunk *c)
{
	size_t rest = c->len - c->off, at = 0;
	char *buf = xmalloc(rest ? rest : 1);
	for (size_t j = c->i, skip = c->ioff; j < c->n_iov; j++, skip = 0) {
		size_t k = c->iov[j].iov_len - skip;
		if (k > rest - at)
			k = rest - at;
		memcpy(buf + at, (const char *)c->iov[j].iov_base + skip, k);
		at += k;
	}
	os->bytes_pending -= c->off;
	c->buf = buf;
	c->iov = NULL;
	c->n_iov = c->i = c->ioff = 0;
	c->len = rest;
	c->off = 0;
}

void out_stream_detach(struct out_stream *os)
{
	for (struct chunk *c = os->head; c; c = c->next)
		if (c->buf == NULL && c->iov != NULL)
			detach_chunk(os, c);
}

bool out_stream_borrows(const struct out_stream *os)
{
	for (const struct chunk *c = os->head; c; c = c->next)
		if (c->buf == NULL && c->iov != NULL)
			return true;
	return false;
}

void out_stream_drop_waiting(struct out_stream *os)
{
	struct chunk *old = os->tail;
	if (os->policy != OUT_KEEP_NEWEST || os->head == NULL || os->head == old)
		return;
	for (struct chunk *c = os->head; c; c = c->next)
		if (c->next == old) {
			c->next = NULL;
			os->tail = c;
			break;
		}
	os->bytes_pending -= old->len;
	os->st.pending--;
	os->st.dropped++;
	free(old->buf);
	free(old);
}

struct out_stream_stats out_stream_stats(const struct out_stream *os)
{
	return os->st;
}

/* ---- written from another thread ------------------------------------------------ */

static int64_t mono_ms(void);

bool out_stream_idle(const struct out_stream *os)
{
	return os->head == NULL && os->err == 0 && !os->stopped;
}

/* One write of up to IOV_MAX of the pieces, the first from off on. */
static ssize_t writev_at(const struct out_stream *os, const struct iovec *iov, size_t n,
                         size_t off)
{
	struct chunk c = { .iov = iov, .n_iov = n, .ioff = off };
	return writev_some(os, &c);
}

int out_stream_direct(const struct out_stream *os, const struct iovec *iov, size_t n,
                      int *wait_ms, size_t *written)
{
	size_t i = 0, off = 0;
	*written = 0;
	while (i < n && iov[i].iov_len == 0)
		i++;
	while (i < n) {
		ssize_t w = writev_at(os, iov + i, n - i, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = os->fd, .events = POLLOUT };
			int64_t t0 = mono_ms();
			if (*wait_ms <= 0)
				return UV_EAGAIN;
			if (poll(&p, 1, *wait_ms) < 0 && errno != EINTR)
				return uv_translate_sys_error(errno);
			*wait_ms -= (int)(mono_ms() - t0);
			continue;
		}
		if (w < 0)
			return uv_translate_sys_error(errno);
		*written += (size_t)w;
		for (size_t left = (size_t)w; i < n;) {   /* past what went out */
			size_t rest = iov[i].iov_len - off;
			if (left < rest) {
				off += left;
				break;
			}
			left -= rest;
			off = 0;
			i++;
		}
		while (i < n && iov[i].iov_len == 0)
			i++;
	}
	return 0;
}

void out_stream_direct_done(struct out_stream *os, uint64_t bytes, bool whole, int err)
{
	os->st.bytes += bytes;
	if (whole && err == 0)
		os->st.written++;
	if (err != 0)
		fail(os, err);
}

/* ---- the end --------------------------------------------------------------------- */

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int out_stream_flush(struct out_stream *os, int timeout_ms)
{
	int64_t deadline = mono_ms() + timeout_ms;
	if (os->err)
		return os->err;
	for (;;) {
		int rc = write_pending(os);
		if (rc != 0)
			return rc;
		if (os->head == NULL)
			return 0;
		int left = timeout_ms < 0 ? -1 : (int)(deadline - mono_ms());
		if (timeout_ms >= 0 && left <= 0)
			return UV_ETIMEDOUT;
		struct pollfd p = { .fd = os->fd, .events = POLLOUT };
		if (poll(&p, 1, left) < 0 && errno != EINTR)
			return uv_translate_sys_error(errno);
	}
}

void out_stream_stop(struct out_stream *os)
{
	os->stopped = true;
	if (os->has_poll && !uv_is_closing((uv_handle_t *)&os->poll))
		uv_close((uv_handle_t *)&os->poll, NULL);
	if (os->has_timer && !uv_is_closing((uv_handle_t *)&os->retry))
		uv_close((uv_handle_t *)&os->retry, NULL);
}

void out_stream_free(struct out_stream *os)
{
	if (os == NULL)
		return;
	while (os->head)
		pop_head(os);
	if (os->own_fd)
		close(os->fd);
	if (os->shared_fd >= 0 && os->shared_flags >= 0)
		fcntl(os->shared_fd, F_SETFL, os->shared_flags);
	free(os);
}
