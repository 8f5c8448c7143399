/* replay_reader.c - read + frame + parse on a thread, apply on the loop.
 *
 * A replay is bound by one core: about a third of it is reading, framing and
 * parsing, which need nothing from the model. The reader thread does that part
 * one read at a time into a batch (the bytes read, queue_log lines parsed in
 * place, contact events parsed with their strings copied beside, and one
 * record per read and per line); the loop thread takes the batches in order
 * and replays the records, a pass's worth per loop turn as the file source
 * does on its own. REPLAY_BATCHES batches circulate between a free list and a
 * ready queue under one mutex, so memory stays bounded (a few MiB). */
#include "replay_reader.h"
#include "contact.h"
#include "linebuf.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define REPLAY_BATCHES 4
#define REPLAY_CHUNK (64 * 1024)      /* bytes of parsed strings per chunk */

struct replay_reader {
	int fd;
	off_t offset;
	size_t read_bytes, pass_bytes;
	size_t pass_done;                  /* bytes read in the current pass */
	struct linebuf lb;
	struct contact_parser parser;      /* the reader thread's */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool stop;                         /* under lock */
	struct replay_batch *free_list;    /* under lock */
	struct replay_batch *ready, **ready_tail; /* under lock; FIFO */
	struct replay_batch *all[REPLAY_BATCHES];
	bool gz_checked;                   /* a gzip file is read through gz */
	gzFile gz;
};

static struct replay_rec *batch_push(struct replay_batch *b)
{
	if (b->n_recs == b->cap_recs) {
		b->cap_recs = b->cap_recs ? b->cap_recs * 2 : 4096;
		b->recs = xrealloc(b->recs, b->cap_recs * sizeof *b->recs);
	}
	return &b->recs[b->n_recs++];
}

static void batch_clear(struct replay_batch *b)
{
	for (size_t i = 0; i < b->n_copies; i++)
		free(b->copies[i]);
	b->n_copies = 0;
	b->chunk = 0;
	b->chunk_used = 0;
	b->n_recs = 0;
	b->last = 0;
	b->pass_end = 0;
	b->err = 0;
	b->next = NULL;
}

static void batch_free(struct replay_batch *b)
{
	batch_clear(b);
	for (size_t i = 0; i < b->n_chunks; i++)
		free(b->chunks[i]);
	free(b->chunks);
	free(b->copies);
	free(b->recs);
	free(b->buf);
	free(b);
}

/* A line framed on the reader thread. Lines handed out in place lie in the
 * batch's buffer; one completed from linebuf's carry is copied first, the
 * carry is reused by the next read. */
struct line_ctx {
	struct replay_reader *r;
	struct replay_batch *b;
};

/* Copies s (NULL stays NULL) into the batch's string chunks. */
static const char *batch_strdup(struct replay_batch *b, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	if (b->chunk < b->n_chunks && b->chunk_used + n > REPLAY_CHUNK) {
		b->chunk++;
		b->chunk_used = 0;
	}
	if (b->chunk == b->n_chunks) {
		b->chunks = xrealloc(b->chunks, (b->n_chunks + 1) * sizeof *b->chunks);
		b->chunks[b->n_chunks++] = xmalloc(REPLAY_CHUNK);
		b->chunk_used = 0;
	}
	char *copy = b->chunks[b->chunk] + b->chunk_used;
	memcpy(copy, s, n);
	b->chunk_used += n;
	return copy;
}

/* A contact event, parsed here (the loop thread only applies it): its
 * strings leave the parser's buffers for the batch. */
static void reader_contact(struct replay_reader *r, struct replay_batch *b,
                           struct replay_rec *rec, char *line, size_t len)
{
	struct contact_event *ce = &rec->ce;

	rec->what = REPLAY_CONTACT;
	rec->line = line;
	rec->n = len;
	rec->timed = contact_parse(&r->parser, line, len, ce);
	rec->result = rec->timed ? QL_EVENT : QL_BAD;
	if (!rec->timed)
		return;
	rec->at_ms = ce->ts_ms;
	ce->id = batch_strdup(b, ce->id);
	ce->channel = batch_strdup(b, ce->channel);
	ce->queue = batch_strdup(b, ce->queue);
	ce->customer = batch_strdup(b, ce->customer);
	ce->agent = batch_strdup(b, ce->agent);
	ce->reason = batch_strdup(b, ce->reason);
}

static void reader_on_line(void *ctx, char *line, size_t len)
{
	struct line_ctx *lc = ctx;
	struct replay_batch *b = lc->b;

	if (line < b->buf || line >= b->buf + lc->r->read_bytes) {
		char *copy = xmalloc(len + 1);
		memcpy(copy, line, len + 1);
		if (b->n_copies == b->cap_copies) {
			b->cap_copies = b->cap_copies ? b->cap_copies * 2 : 8;
			b->copies = xrealloc(b->copies, b->cap_copies * sizeof *b->copies);
		}
		b->copies[b->n_copies++] = copy;
		line = copy;
	}
	struct replay_rec *rec = batch_push(b);
	if (contact_line_is_event(line, len)) {
		reader_contact(lc->r, b, rec, line, len);
		return;
	}
	rec->what = REPLAY_LINE;
	rec->result = queuelog_parse(line, len, &rec->ev);
	rec->timed = rec->result == QL_EVENT;
	rec->at_ms = rec->timed ? rec->ev.time * 1000 : 0;
}

/* Over-long lines the framing dropped are bad lines, as for a followed file. */
static void reader_overlong(struct replay_reader *r, struct replay_batch *b)
{
	for (uint64_t n = linebuf_take_overlong(&r->lb); n > 0; n--) {
		struct replay_rec *rec = batch_push(b);
		rec->what = REPLAY_LINE;
		rec->result = QL_BAD;
		rec->timed = false;
	}
}

/* Reads up to read_bytes at the reader's offset; a gzip file (its magic at
 * offset 0) is read uncompressed, and its truncation is an error (EIO). */
static ssize_t reader_pread(struct replay_reader *r, char *buf)
{
	unsigned char magic[2];
	if (!r->gz_checked) {
		r->gz_checked = true;
		int fd = pread(r->fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
		       ? dup(r->fd) : -1;
		r->gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
		if (r->gz)
			gzbuffer(r->gz, 128 * 1024);   /* zlib's 8 KiB input: a read call per 8 KiB */
	}
	if (r->gz == NULL)
		return pread(r->fd, buf, r->read_bytes, r->offset);
	int n = gzread(r->gz, buf, (unsigned)r->read_bytes), err = Z_OK;
	gzerror(r->gz, &err);
	if (n < 0 || (n == 0 && err != Z_OK && err != Z_STREAM_END)) {
		errno = EIO;
		return -1;
	}
	return n;
}

/* One read, as the file source makes them on its own: a pass ends once
 * pass_bytes are read, or with the file, whose end hands out a held partial
 * line. */
static void reader_read(struct replay_reader *r, struct replay_batch *b)
{
	struct line_ctx lc = { r, b };
	ssize_t n;

	do
		n = reader_pread(r, b->buf);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		b->err = n < 0 ? errno : 0;
		b->last = 1;
		linebuf_finish(&r->lb, reader_on_line, &lc);
		reader_overlong(r, b);
		return;
	}
	struct replay_rec *rec = batch_push(b);
	rec->what = REPLAY_BYTES;
	rec->n = (uint64_t)n;
	rec->timed = false;
	r->offset += n;
	linebuf_feed(&r->lb, b->buf, (size_t)n, reader_on_line, &lc);
	reader_overlong(r, b);
	r->pass_done += (size_t)n;
	if (r->pass_done >= r->pass_bytes) {
		b->pass_end = 1;
		r->pass_done = 0;
	}
}

/* Waits for a free batch; NULL once stopped. */
static struct replay_batch *reader_take_free(struct replay_reader *r)
{
	struct replay_batch *b;

	pthread_mutex_lock(&r->lock);
	while (!r->stop && r->free_list == NULL)
		pthread_cond_wait(&r->changed, &r->lock);
	b = r->stop ? NULL : r->free_list;
	if (b)
		r->free_list = b->next;
	pthread_mutex_unlock(&r->lock);
	return b;
}

static void *reader_main(void *arg)
{
	struct replay_reader *r = arg;
	struct replay_batch *b;

	while ((b = reader_take_free(r)) != NULL) {
		batch_clear(b);
		reader_read(r, b);
		pthread_mutex_lock(&r->lock);
		*r->ready_tail = b;
		r->ready_tail = &b->next;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
		if (b->last)
			break;
	}
	return NULL;
}

/* Frees r and all it holds, once no thread runs on it. */
static void reader_free(struct replay_reader *r)
{
	pthread_cond_destroy(&r->changed);
	pthread_mutex_destroy(&r->lock);
	for (int i = 0; i < REPLAY_BATCHES; i++)
		batch_free(r->all[i]);
	linebuf_free(&r->lb);
	if (r->gz)
		gzclose(r->gz);
	free(r);
}

struct replay_reader *replay_reader_start(int fd, size_t read_bytes, size_t pass_bytes,
                                          size_t max_line)
{
	struct replay_reader *r = xcalloc(1, sizeof *r);

	r->fd = fd;
	r->read_bytes = read_bytes;
	r->pass_bytes = pass_bytes;
	linebuf_init(&r->lb, max_line);
	r->ready_tail = &r->ready;
	for (int i = 0; i < REPLAY_BATCHES; i++) {
		struct replay_batch *b = xcalloc(1, sizeof *b);
		b->buf = xmalloc(read_bytes);
		b->next = r->free_list;
		r->free_list = b;
		r->all[i] = b;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->changed, NULL);
	if (pthread_create(&r->thread, NULL, reader_main, r) != 0) {
		reader_free(r);
		return NULL;
	}
	return r;
}

struct replay_batch *replay_reader_next(struct replay_reader *r)
{
	struct replay_batch *b;

	pthread_mutex_lock(&r->lock);
	while (r->ready == NULL)
		pthread_cond_wait(&r->changed, &r->lock);
	b = r->ready;
	r->ready = b->next;
	if (r->ready == NULL)
		r->ready_tail = &r->ready;
	pthread_mutex_unlock(&r->lock);
	return b;
}

void replay_reader_release(struct replay_reader *r, struct replay_batch *b)
{
	pthread_mutex_lock(&r->lock);
	b->next = r->free_list;
	r->free_list = b;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
}

void replay_reader_stop(struct replay_reader *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	reader_free(r);
}
