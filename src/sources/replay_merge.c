/* replay_merge.c - a k-way merge of replayed files by event time.
 *
 * Each member holds at most one batch of its reader (the records of one read)
 * and a position in it; its head is the record at that position. A pass picks
 * the member whose head comes first (a linear scan: a replay names a few
 * files), hands that record to its owner and moves on. Memory stays what the
 * readers hold: their few batches each. */
#include "replay_merge.h"
#include "util.h"

#include <stdlib.h>

struct replay_member {
	struct replay_merge *g;
	struct replay_reader *r;
	struct replay_member_ops ops;
	void *ctx;
	struct replay_batch *cur;     /* NULL: none taken yet (or handed back) */
	size_t pos;
	int64_t last_ms;              /* the key of the last timed record handed out */
	int last_rank;
	unsigned order;               /* joining order, for ties */
};

struct replay_merge {
	int refs;
	struct replay_member **m;
	size_t n, cap;
	unsigned joined;
	unsigned left;                /* bumped when a member leaves or ends */
	bool begun;
	replay_gate_fn gate;
	void *gate_ctx;
};

struct replay_merge *replay_merge_new(void)
{
	struct replay_merge *g = xcalloc(1, sizeof *g);
	g->refs = 1;
	return g;
}

void replay_merge_ref(struct replay_merge *g)
{
	g->refs++;
}

void replay_merge_unref(struct replay_merge *g)
{
	if (!g || --g->refs > 0)
		return;
	free(g->m);
	free(g);
}

struct replay_member *replay_merge_join(struct replay_merge *g, struct replay_reader *r,
                                        const struct replay_member_ops *ops, void *ctx)
{
	struct replay_member *m = xcalloc(1, sizeof *m);

	m->g = g;
	m->r = r;
	m->ops = *ops;
	m->ctx = ctx;
	m->last_ms = INT64_MIN;
	m->order = g->joined++;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 4;
		g->m = xrealloc(g->m, g->cap * sizeof *g->m);
	}
	g->m[g->n++] = m;
	replay_merge_ref(g);
	return m;
}

/* Takes m out of the merge and frees it (its batch handed back). */
static void member_remove(struct replay_member *m)
{
	struct replay_merge *g = m->g;

	for (size_t i = 0; i < g->n; i++) {
		if (g->m[i] == m) {
			g->m[i] = g->m[--g->n];
			break;
		}
	}
	if (m->cur)
		replay_reader_release(m->r, m->cur);
	g->left++;
	free(m);
	replay_merge_unref(g);
}

void replay_merge_leave(struct replay_member *m)
{
	if (m)
		member_remove(m);
}

struct replay_merge *replay_member_merge(const struct replay_member *m)
{
	return m->g;
}

size_t replay_merge_members(const struct replay_merge *g)
{
	return g->n;
}

/* Makes sure m has a head record, taking its reader's next batch as needed.
 * Returns false when m's file ended: m is gone and its owner told. */
static bool member_head(struct replay_member *m)
{
	while (m->cur == NULL || m->pos == m->cur->n_recs) {
		if (m->cur && m->cur->last) {
			int err = m->cur->err;
			struct replay_member_ops ops = m->ops;
			void *ctx = m->ctx;
			member_remove(m);
			ops.end(ctx, err);
			return false;
		}
		if (m->cur)
			replay_reader_release(m->r, m->cur);
		m->cur = replay_reader_next(m->r);
		m->pos = 0;
	}
	return true;
}

/* The order key of m's head: its time, or the last one of its file. */
static void head_key(const struct replay_member *m, int64_t *ms, int *rank)
{
	const struct replay_rec *rec = &m->cur->recs[m->pos];

	if (rec->timed) {
		*ms = rec->at_ms;
		*rank = rec->what == REPLAY_CONTACT;
	} else {
		*ms = m->last_ms;
		*rank = m->last_rank;
	}
}

static bool key_before(int64_t a_ms, int a_rank, unsigned a_order,
                       int64_t b_ms, int b_rank, unsigned b_order)
{
	if (a_ms != b_ms)
		return a_ms < b_ms;
	if (a_rank != b_rank)
		return a_rank < b_rank;
	return a_order < b_order;
}

/* The member whose head comes first, or NULL when a member ended or left
 * while heads were being taken (the pass then ends). */
static struct replay_member *merge_pick(struct replay_merge *g)
{
	struct replay_member *best = NULL;
	int64_t best_ms = 0;
	int best_rank = 0;
	unsigned left = g->left;

	for (size_t i = 0; i < g->n; i++) {
		struct replay_member *m = g->m[i];
		if (!member_head(m) || g->left != left)
			return NULL;
		int64_t ms;
		int rank;
		head_key(m, &ms, &rank);
		if (!best || key_before(ms, rank, m->order, best_ms, best_rank, best->order)) {
			best = m;
			best_ms = ms;
			best_rank = rank;
		}
	}
	return best;
}

bool replay_merge_begun(const struct replay_merge *g)
{
	return g->begun || g->gate;     /* a gated merge keeps even one file: the gate is in it */
}

void replay_merge_gate(struct replay_merge *g, replay_gate_fn gate, void *ctx)
{
	g->gate = gate;
	g->gate_ctx = ctx;
}

size_t replay_merge_pass(struct replay_merge *g, uint64_t budget)
{
	uint64_t bytes = 0;

	g->begun = true;
	replay_merge_ref(g);              /* an owner may leave while a record is handed out */
	while (g->n > 0 && bytes < budget) {
		struct replay_member *m = merge_pick(g);
		if (!m)
			break;
		const struct replay_rec *rec = &m->cur->recs[m->pos];
		if (rec->timed && g->gate && !g->gate(g->gate_ctx, rec->at_ms))
			break;
		m->pos++;
		if (rec->timed) {
			m->last_ms = rec->at_ms;
			m->last_rank = rec->what == REPLAY_CONTACT;
		}
		if (rec->what == REPLAY_BYTES)
			bytes += rec->n;
		unsigned left = g->left;
		m->ops.deliver(m->ctx, rec);
		if (g->left != left)
			break;
	}
	size_t n = g->n;
	replay_merge_unref(g);
	return n;
}
