/* fuzz_ami.c - the AMI framer and mapper on any byte stream, cut into
 * chunks chosen by the input, with the events applied to a model.
 *
 * Input: byte 0 seeds the chunking, byte 1 how fast the receive clock runs;
 * the rest is what the socket delivered. Checks: every message has at most
 * AMI_MAX_HEADERS headers with non-NULL key and value (a banner has none) and
 * ami_get finds the first header of a key; every event has a known kind, the
 * call and queue a call event needs, durations of -1 or more; framing the
 * same stream in one piece gives the same messages and events (a hash of
 * them); the model's agent counts add up after each message. */
#include <string.h>
#include <strings.h>

#include "ami.h"
#include "config.h"
#include "fuzz.h"
#include "model.h"

struct ami_run {
	struct ami_mapper mapper;
	struct model *m;
	double recv, step;
	uint64_t hash;          /* of the messages and events, in order */
	size_t msgs, fed, events;   /* messages framed, handed to the mapper; events */
};

static void hash_str(uint64_t *h, const char *s)
{
	for (; s && *s; s++)
		*h = (*h ^ (unsigned char)*s) * 0x100000001b3ULL;
	*h = (*h ^ 0xff) * 0x100000001b3ULL;
}

static void ami_on_event(void *ctx, const struct qevent *ev)
{
	struct ami_run *r = ctx;
	FUZZ_CHECK((unsigned)ev->kind < EV_KIND_COUNT);
	FUZZ_CHECK(ev->hold_s >= -1 && ev->talk_s >= -1 && ev->wait_s >= -1 && ev->ring_ms >= -1);
	hash_str(&r->hash, event_kind_name(ev->kind));
	hash_str(&r->hash, ev->callid);
	hash_str(&r->hash, ev->queue);
	hash_str(&r->hash, ev->agent);
	r->hash = (r->hash ^ (uint64_t)ev->time) * 0x100000001b3ULL;
	r->events++;
	if (r->m == NULL)
		return;
	model_apply(r->m, ev);
}

static void ami_on_msg(void *ctx, const struct ami_msg *msg)
{
	struct ami_run *r = ctx;
	FUZZ_CHECK(msg->n <= AMI_MAX_HEADERS);
	if (msg->banner)
		FUZZ_CHECK(msg->n == 0);
	for (size_t i = 0; i < msg->n; i++) {
		FUZZ_CHECK(msg->h[i].key != NULL && msg->h[i].value != NULL);
		hash_str(&r->hash, msg->h[i].key);
		hash_str(&r->hash, msg->h[i].value);
		const char *first = ami_get(msg, msg->h[i].key);
		size_t j = 0;
		while (strcasecmp(msg->h[j].key, msg->h[i].key) != 0)
			j++;
		FUZZ_CHECK(first == msg->h[j].value);
	}
	hash_str(&r->hash, msg->banner);
	r->msgs++;
	r->recv += r->step;
	/* Known: a Timestamp beyond int64_t is cast to it (undefined). */
	const char *ts = ami_get(msg, "Timestamp");
	if (ts && fuzz_known() && (strtod(ts, NULL) > 1e15 || strtod(ts, NULL) < -1e15))
		return;
	r->fed++;
	ami_mapper_feed(&r->mapper, msg, r->recv, ami_on_event, r);
	if (r->msgs % 8 == 0)
		ami_mapper_flush(&r->mapper, r->recv, ami_on_event, r);
	if (r->m) {
		struct agent_counts per[64], total;
		if (model_queue_count(r->m) <= 64) {
			model_agent_counts(r->m, per, &total);
			FUZZ_CHECK(total.logged_in == total.on_call + total.paused + total.wrapup +
			                              total.available + total.ringing);
		}
	}
}

/* Frames data[0..n) in chunks from seed (0: in one piece). */
static void ami_run_stream(struct ami_run *r, const char *data, size_t n, uint64_t seed)
{
	struct ami_framer f;
	ami_framer_init(&f);
	ami_mapper_init(&r->mapper);
	for (size_t off = 0; off < n;) {
		size_t chunk = seed ? 1 + fuzz_rng(&seed) % 300 : n;
		if (chunk > n - off)
			chunk = n - off;
		size_t before = r->msgs;
		size_t got = ami_framer_feed(&f, data + off, chunk, ami_on_msg, r);
		FUZZ_CHECK(got == r->msgs - before);
		off += chunk;
	}
	FUZZ_CHECK(f.messages == r->msgs);
	ami_mapper_finish(&r->mapper, ami_on_event, r);
	FUZZ_CHECK(r->mapper.messages == r->fed);
	ami_mapper_free(&r->mapper);
	ami_framer_free(&f);
}

static void fuzz_ami_one(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint64_t seed = fuzz_byte(&in) | 0x100;
	double step = (double)fuzz_byte(&in) / 16.0;
	struct config cfg;
	struct ami_run a = { .recv = 1795468875.0, .step = step, .hash = 0xcbf29ce484222325ULL };
	struct ami_run b = a;

	config_defaults(&cfg);
	a.m = model_new(&cfg);
	ami_run_stream(&a, (const char *)in.p, in.n, seed);
	ami_run_stream(&b, (const char *)in.p, in.n, 0);
	FUZZ_CHECK(a.msgs == b.msgs && a.events == b.events && a.hash == b.hash);
	model_free(a.m);
	config_free(&cfg);
}

FUZZ_TARGET(ami)
