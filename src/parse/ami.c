/* ami.c - AMI message framing and the mapping of queue messages to events.
 * Pure: no sockets, no clock. */
#include "ami.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ framing */

void ami_framer_init(struct ami_framer *f)
{
	memset(f, 0, sizeof *f);
}

void ami_framer_free(struct ami_framer *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

void ami_framer_reset(struct ami_framer *f)
{
	f->len = 0;
	f->line_start = 0;
	f->greeted = false;
	f->disc = (struct ami_discard){ 0 };
}

static bool framer_reserve(struct ami_framer *f, size_t more)
{
	if (f->len + more + 1 <= f->cap)
		return true;
	size_t cap = f->cap ? f->cap : 1024;
	while (cap < f->len + more + 1)
		cap *= 2;
	char *nb = realloc(f->buf, cap);
	if (!nb)
		return false;
	f->buf = nb;
	f->cap = cap;
	return true;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Splits the NUL-separated lines in buf[0..end) into msg. Returns false when
 * the message has more headers than fit. */
static bool framer_split(struct ami_framer *f, size_t end, struct ami_msg *msg)
{
	msg->banner = NULL;
	msg->n = 0;
	for (size_t at = 0; at < end;) {
		char *line = f->buf + at;
		at += strlen(line) + 1;
		char *colon = strchr(line, ':');
		if (!colon) {
			f->bad_lines++;
			continue;
		}
		if (msg->n == AMI_MAX_HEADERS)
			return false;
		*colon = '\0';
		msg->h[msg->n].key = trim(line);
		msg->h[msg->n].value = trim(colon + 1);
		msg->n++;
	}
	return true;
}

/* A line buf[line_start..len) is complete (its LF consumed). */
static size_t framer_line(struct ami_framer *f, ami_msg_fn fn, void *ctx, struct ami_msg *msg)
{
	size_t n = f->len - f->line_start;
	if (n > 0 && f->buf[f->len - 1] == '\r')
		n--;
	f->len = f->line_start + n;
	f->buf[f->len] = '\0';
	const char *line = f->buf + f->line_start;
	if (!f->greeted && f->line_start == 0 && n > 0) {
		f->greeted = true;
		if (!strchr(line, ':')) {
			msg->n = 0;
			msg->banner = line;
			f->messages++;
			fn(ctx, msg);
			f->len = f->line_start = 0;
			return 1;
		}
	}
	if (n > 0) {
		f->len++;                   /* keep the NUL as the separator */
		f->line_start = f->len;
		return 0;
	}
	size_t end = f->line_start;       /* a blank line ends the message */
	f->len = f->line_start = 0;
	if (end == 0)
		return 0;                   /* blank lines between messages */
	if (!framer_split(f, end, msg)) {
		f->oversized++;
		return 0;
	}
	f->messages++;
	fn(ctx, msg);
	return 1;
}

/* Appends data[0..n) (no LF inside) to the current line, or drops it once
 * the message is too big. */
static void framer_append(struct ami_framer *f, const char *data, size_t n)
{
	if (f->len + n > AMI_MAX_MESSAGE || !framer_reserve(f, n)) {
		/* the line dropped so far: what is buffered of it, then data; a state
		 * left by an earlier discard must not make it look blank */
		size_t held = f->len - f->line_start;
		f->disc = (struct ami_discard){ .on = true, .line_len = held + n,
			.last = n ? data[n - 1] : held ? f->buf[f->len - 1] : '\0' };
		f->oversized++;
		f->len = f->line_start = 0;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (data[i] != '\0')        /* NUL bytes would cut the strings */
			f->buf[f->len++] = data[i];
}

/* While discarding an over-long message: data[0..seg) is part of a line. */
static void framer_skip(struct ami_framer *f, const char *data, size_t seg)
{
	f->disc.line_len += seg;
	if (seg > 0)
		f->disc.last = data[seg - 1];
}

/* While discarding: a line ended; a blank one ends the dropped message. */
static void framer_skip_end(struct ami_framer *f)
{
	if (f->disc.line_len == 0 || (f->disc.line_len == 1 && f->disc.last == '\r'))
		f->disc = (struct ami_discard){ 0 };
	f->disc.line_len = 0;
	f->disc.last = '\0';
	f->len = f->line_start = 0;
}

size_t ami_framer_feed(struct ami_framer *f, const char *data, size_t n, ami_msg_fn fn, void *ctx)
{
	struct ami_msg msg;
	size_t count = 0;
	while (n > 0) {
		const char *lf = memchr(data, '\n', n);
		size_t seg = lf ? (size_t)(lf - data) : n;
		if (f->disc.on)
			framer_skip(f, data, seg);
		else
			framer_append(f, data, seg);
		if (!lf)
			break;
		if (f->disc.on)
			framer_skip_end(f);
		else if (framer_reserve(f, 1))
			count += framer_line(f, fn, ctx, &msg);
		data += seg + 1;
		n -= seg + 1;
	}
	return count;
}

const char *ami_get(const struct ami_msg *msg, const char *key)
{
	for (size_t i = 0; i < msg->n; i++)
		if (strcasecmp(msg->h[i].key, key) == 0)
			return msg->h[i].value;
	return NULL;
}

double ami_msg_time(const struct ami_msg *msg, double recv_time)
{
	const char *ts = ami_get(msg, "Timestamp");
	if (ts && *ts) {
		char *end;
		double t = strtod(ts, &end);
		/* an epoch that fits whole seconds (up to the year 5138) */
		if (end != ts && *end == '\0' && t > 0 && t < 1e11)
			return t;
	}
	return recv_time;
}

/* ------------------------------------------------------------------ mapping */

#define AMI_MAX_TALKS 8192     /* answered calls followed at once */

enum caller_state { CALLER_WAITING, CALLER_LEFT, CALLER_DONE };

struct ami_caller {
	char *callid, *queue;
	enum caller_state state;
	double joined;        /* < 0: not known */
	double left;          /* QueueCallerLeave time, for CALLER_LEFT */
	bool seen;            /* listed in the QueueStatus reply in progress */
};

struct ami_member {
	char *queue, *name;
	bool paused;
	bool seen;
	double ended;         /* time of the member's latest AgentComplete in the queue */
};

/* An answered call, from AgentConnect to AgentComplete: lets an AgentComplete
 * that lacks the caller's Uniqueid end the right call, and a QueueStatus end
 * calls whose member it shows out of any call. An unseen one stands for a call
 * a QueueStatus showed (InCall: 1) whose AgentConnect never came: its callid
 * is made up (EV_BUSY), and the member's next AgentComplete in the queue ends it. */
struct ami_talk {
	char *queue, *name, *iface, *callid;
	double since;
	bool unseen;
};

void ami_mapper_init(struct ami_mapper *m)
{
	memset(m, 0, sizeof *m);
	m->leave_grace = 1.0;
}

static void status_queues_free(struct ami_status_reply *r)
{
	for (size_t i = 0; i < r->n_queues; i++)
		free(r->queues[i]);
	free(r->queues);
	r->queues = NULL;
	r->n_queues = 0;
}

static void status_reply_clear(struct ami_status_reply *r)
{
	status_queues_free(r);
	free(r->action_id);
	*r = (struct ami_status_reply){ 0 };
}

void ami_mapper_reset_connection(struct ami_mapper *m)
{
	status_reply_clear(&m->reply);
}

static void talk_free(struct ami_talk *k)
{
	free(k->queue);
	free(k->name);
	free(k->iface);
	free(k->callid);
}

void ami_mapper_free(struct ami_mapper *m)
{
	for (size_t i = 0; i < m->n_callers; i++) {
		free(m->callers[i].callid);
		free(m->callers[i].queue);
	}
	for (size_t i = 0; i < m->n_members; i++) {
		free(m->members[i].queue);
		free(m->members[i].name);
	}
	for (size_t i = 0; i < m->n_talks; i++)
		talk_free(&m->talks[i]);
	free(m->callers);
	free(m->members);
	free(m->talks);
	status_reply_clear(&m->reply);
	memset(m, 0, sizeof *m);
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static struct ami_caller *caller_find(struct ami_mapper *m, const char *callid, const char *queue)
{
	for (size_t i = m->n_callers; i-- > 0;)
		if (str_eq(m->callers[i].callid, callid) && str_eq(m->callers[i].queue, queue))
			return &m->callers[i];
	return NULL;
}

static struct ami_caller *caller_add(struct ami_mapper *m, const char *callid, const char *queue)
{
	if (m->n_callers == m->cap_callers) {
		size_t cap = m->cap_callers ? m->cap_callers * 2 : 32;
		struct ami_caller *nc = realloc(m->callers, cap * sizeof *nc);
		if (!nc)
			return NULL;
		m->callers = nc;
		m->cap_callers = cap;
	}
	struct ami_caller *c = &m->callers[m->n_callers];
	*c = (struct ami_caller){ .callid = strdup(callid), .queue = strdup(queue), .joined = -1 };
	if (!c->callid || !c->queue) {
		free(c->callid);
		free(c->queue);
		return NULL;
	}
	m->n_callers++;
	return c;
}

static void caller_remove(struct ami_mapper *m, struct ami_caller *c)
{
	free(c->callid);
	free(c->queue);
	*c = m->callers[--m->n_callers];
}

static struct ami_member *member_find(struct ami_mapper *m, const char *queue, const char *name)
{
	for (size_t i = 0; i < m->n_members; i++)
		if (str_eq(m->members[i].queue, queue) && str_eq(m->members[i].name, name))
			return &m->members[i];
	return NULL;
}

static struct ami_member *member_add(struct ami_mapper *m, const char *queue, const char *name)
{
	if (m->n_members == m->cap_members) {
		size_t cap = m->cap_members ? m->cap_members * 2 : 16;
		struct ami_member *nm = realloc(m->members, cap * sizeof *nm);
		if (!nm)
			return NULL;
		m->members = nm;
		m->cap_members = cap;
	}
	struct ami_member *mb = &m->members[m->n_members];
	*mb = (struct ami_member){ .queue = strdup(queue), .name = strdup(name) };
	if (!mb->queue || !mb->name) {
		free(mb->queue);
		free(mb->name);
		return NULL;
	}
	m->n_members++;
	return mb;
}

static void member_remove(struct ami_mapper *m, struct ami_member *mb)
{
	free(mb->queue);
	free(mb->name);
	*mb = m->members[--m->n_members];
}

static char *strdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void talk_remove(struct ami_mapper *m, size_t i);

/* Follows an answered call; returns it, or NULL when out of memory. */
static struct ami_talk *talk_add(struct ami_mapper *m, const char *queue, const char *name,
                                 const char *iface, const char *callid, double t)
{
	if (m->n_talks == AMI_MAX_TALKS)
		talk_remove(m, 0);          /* its end was lost long ago, and no resync came */
	if (m->n_talks == m->cap_talks) {
		size_t cap = m->cap_talks ? m->cap_talks * 2 : 16;
		struct ami_talk *nt = realloc(m->talks, cap * sizeof *nt);
		if (!nt)
			return NULL;
		m->talks = nt;
		m->cap_talks = cap;
	}
	struct ami_talk *k = &m->talks[m->n_talks];
	*k = (struct ami_talk){ .queue = strdup(queue), .name = strdup_or_null(name),
		.iface = strdup_or_null(iface), .callid = strdup(callid), .since = t };
	if (!k->queue || !k->callid || (name && !k->name) || (iface && !k->iface)) {
		talk_free(k);
		return NULL;
	}
	m->n_talks++;
	return k;
}

/* Removes talk i, keeping the others in the order they were answered. */
static void talk_remove(struct ami_mapper *m, size_t i)
{
	talk_free(&m->talks[i]);
	memmove(&m->talks[i], &m->talks[i + 1], (m->n_talks - i - 1) * sizeof *m->talks);
	m->n_talks--;
}

static ssize_t talk_find_call(const struct ami_mapper *m, const char *callid, const char *queue)
{
	for (size_t i = 0; i < m->n_talks; i++)
		if (str_eq(m->talks[i].callid, callid) && str_eq(m->talks[i].queue, queue))
			return (ssize_t)i;
	return -1;
}

/* The member's call in queue answered first from i on (by MemberName, else
 * by interface), or -1. */
static ssize_t talk_find_member(const struct ami_mapper *m, size_t i, const char *queue,
                                const char *name, const char *iface)
{
	for (; i < m->n_talks; i++) {
		const struct ami_talk *k = &m->talks[i];
		if (str_eq(k->queue, queue) && (str_eq(k->name, name) || str_eq(k->iface, iface)))
			return (ssize_t)i;
	}
	return -1;
}

/* The member's unseen call in queue (see struct ami_talk), or -1. */
static ssize_t talk_find_unseen(const struct ami_mapper *m, const char *queue,
                                const char *name, const char *iface)
{
	for (ssize_t k = 0; (k = talk_find_member(m, (size_t)k, queue, name, iface)) >= 0; k++)
		if (m->talks[k].unseen)
			return k;
	return -1;
}

/* An empty header counts as absent, like NONE in queue_log. */
static const char *hdr(const struct ami_msg *msg, const char *key)
{
	const char *v = ami_get(msg, key);
	return v && *v ? v : NULL;
}

static long hdr_long(const struct ami_msg *msg, const char *key)
{
	const char *v = hdr(msg, key);
	if (!v)
		return -1;
	char *end;
	long x = strtol(v, &end, 10);
	return end != v && *end == '\0' && x >= 0 && x < 100000000000L ? x : -1;
}

/* Paused: 1/0, true/false, yes/no. */
static bool hdr_bool(const struct ami_msg *msg, const char *key)
{
	const char *v = hdr(msg, key);
	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0);
}

/* The member name: MemberName in every queue event since 1.6, Name in a
 * QueueStatus reply, AgentName in old AgentCalled; the interface otherwise. */
static const char *msg_agent(const struct ami_msg *msg)
{
	static const char *const keys[] = { "MemberName", "Name", "AgentName", "Interface",
		"Member", "Location", "AgentCalled" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = hdr(msg, keys[i]);
		if (v)
			return v;
	}
	return NULL;
}

static const char *msg_reason(const struct ami_msg *msg)
{
	const char *r = hdr(msg, "PausedReason");
	return r ? r : hdr(msg, "Reason");
}

static struct qevent ev_base(enum ev_kind kind, double t, const struct ami_msg *msg)
{
	return (struct qevent){
		.time = t > 0 && t < 1e11 ? (int64_t)floor(t) : 0, .kind = kind,
		.callid = hdr(msg, "Uniqueid"), .queue = hdr(msg, "Queue"),
		.hold_s = -1, .talk_s = -1, .wait_s = -1, .ring_ms = -1,
	};
}

struct emitter {
	struct ami_mapper *m;
	ami_event_fn fn;
	void *ctx;
	size_t n;
};

static void emit(struct emitter *e, const struct qevent *ev)
{
	e->m->events++;
	e->n++;
	e->fn(e->ctx, ev);
}

/* Ends talk k unseen (EV_FORGET, the call and agent set): nothing is counted,
 * and an end that comes after all still counts once. */
static void talk_forget(struct emitter *e, size_t k, double t, const struct ami_msg *msg)
{
	struct ami_talk *tk = &e->m->talks[k];
	struct qevent ev = ev_base(EV_FORGET, t, msg);
	ev.callid = tk->callid;
	ev.queue = tk->queue;
	ev.agent = tk->name ? tk->name : tk->iface;
	emit(e, &ev);
	talk_remove(e->m, k);
}

/* A caller joins (QueueCallerJoin, Join) or is found waiting (QueueEntry).
 * A caller the mapper already follows in that queue is not announced twice. */
static void map_join(struct emitter *e, const struct ami_msg *msg, double t, double joined)
{
	struct qevent ev = ev_base(EV_ENTER, t, msg);
	if (!ev.callid || !ev.queue) {
		e->m->bad++;
		return;
	}
	struct ami_caller *c = caller_find(e->m, ev.callid, ev.queue);
	if (c) {
		c->seen = true;
		return;
	}
	c = caller_add(e->m, ev.callid, ev.queue);
	if (c) {
		c->joined = joined;
		c->seen = true;
	}
	ev.time = (int64_t)floor(joined);
	ev.callerid = hdr(msg, "CallerIDNum");
	if (!ev.callerid)
		ev.callerid = hdr(msg, "CallerID");
	emit(e, &ev);
}

static void map_abandon(struct emitter *e, const struct ami_msg *msg, double t)
{
	struct qevent ev = ev_base(EV_ABANDON, t, msg);
	ev.wait_s = hdr_long(msg, "HoldTime");
	struct ami_caller *c = ev.callid && ev.queue ? caller_find(e->m, ev.callid, ev.queue) : NULL;
	if (c && c->state != CALLER_WAITING)
		return;                     /* already settled */
	if (!c && ev.callid && ev.queue)
		c = caller_add(e->m, ev.callid, ev.queue);
	if (c)
		c->state = CALLER_DONE;     /* the QueueCallerLeave that follows is expected */
	emit(e, &ev);
}

static void map_leave(struct emitter *e, const struct ami_msg *msg, double t)
{
	const char *callid = hdr(msg, "Uniqueid"), *queue = hdr(msg, "Queue");
	if (!callid || !queue) {
		e->m->bad++;
		return;
	}
	struct ami_caller *c = caller_find(e->m, callid, queue);
	if (c && c->state == CALLER_DONE) {
		caller_remove(e->m, c);     /* after QueueCallerAbandon or AgentConnect */
		return;
	}
	if (!c)
		c = caller_add(e->m, callid, queue);
	if (c && c->state == CALLER_WAITING) {
		c->state = CALLER_LEFT;     /* AgentConnect may follow; else a key exit */
		c->left = t;
	}
}

static void map_connect(struct emitter *e, const struct ami_msg *msg, double t)
{
	struct qevent ev = ev_base(EV_CONNECT, t, msg);
	ev.agent = msg_agent(msg);
	ev.hold_s = hdr_long(msg, "HoldTime");
	long ring = hdr_long(msg, "RingTime");
	ev.ring_ms = ring >= 0 && ring < 100000000 ? ring * 1000 : -1;
	struct ami_caller *c = ev.callid && ev.queue ? caller_find(e->m, ev.callid, ev.queue) : NULL;
	if (c && c->state == CALLER_LEFT)
		caller_remove(e->m, c);
	else if (c)
		c->state = CALLER_DONE;
	else if (ev.callid && ev.queue && (c = caller_add(e->m, ev.callid, ev.queue)) != NULL)
		c->state = CALLER_DONE;
	const char *name = hdr(msg, "MemberName"), *iface = hdr(msg, "Interface");
	/* the member takes a new call: the unseen one a QueueStatus showed has ended */
	ssize_t u = ev.queue ? talk_find_unseen(e->m, ev.queue, name, iface) : -1;
	if (u >= 0)
		talk_forget(e, (size_t)u, t, msg);
	if (ev.callid && ev.queue && talk_find_call(e->m, ev.callid, ev.queue) < 0)
		talk_add(e->m, ev.queue, name, iface, ev.callid, t);
	emit(e, &ev);
}

static void map_complete(struct emitter *e, const struct ami_msg *msg, double t)
{
	const char *reason = hdr(msg, "Reason");
	bool transfer = reason && strcasecmp(reason, "transfer") == 0;
	struct qevent ev = ev_base(transfer ? EV_TRANSFER : EV_COMPLETE, t, msg);
	ev.agent = msg_agent(msg);
	ev.hold_s = hdr_long(msg, "HoldTime");
	ev.talk_s = hdr_long(msg, "TalkTime");
	ev.reason = reason;
	struct ami_mapper *m = e->m;
	const char *name = hdr(msg, "MemberName"), *iface = hdr(msg, "Interface");
	ssize_t k = -1, unseen = -1;
	if (ev.callid && ev.queue) {
		k = talk_find_call(m, ev.callid, ev.queue);
		/* a call whose AgentConnect was not seen: it still counts (as a
		 * COMPLETEAGENT does in a log that began mid-call), and it ends the
		 * member's unseen call that a QueueStatus showed */
		if (k < 0)
			unseen = talk_find_unseen(m, ev.queue, name, iface);
	} else if (ev.queue) {
		/* Asterisk sometimes leaves out the caller's Uniqueid (and the agent
		 * leg's Dest* fields): end the member's call in that queue */
		k = talk_find_member(m, 0, ev.queue, name, iface);
		if (k >= 0) {
			ev.callid = m->talks[k].callid;
			if (!ev.agent)
				ev.agent = m->talks[k].name;
			m->completes_matched++;
		}
	}
	struct ami_member *mb = ev.queue && ev.agent ? member_find(m, ev.queue, ev.agent) : NULL;
	if (mb)
		mb->ended = t;
	emit(e, &ev);
	if (k >= 0)
		talk_remove(m, (size_t)k);
	if (unseen >= 0)
		talk_forget(e, (size_t)unseen, t, msg);
}

static void map_agent_simple(struct emitter *e, const struct ami_msg *msg, double t,
                             enum ev_kind kind)
{
	struct qevent ev = ev_base(kind, t, msg);
	ev.agent = msg_agent(msg);
	if (kind == EV_RINGNOANSWER)
		ev.ring_ms = hdr_long(msg, "RingTime");
	emit(e, &ev);
}

static void emit_status(struct emitter *e, const struct ami_msg *msg, double t)
{
	long st = hdr_long(msg, "Status");
	if (st < 0)
		return;
	struct qevent ev = ev_base(EV_MEMBERSTATUS, t, msg);
	ev.callid = NULL;
	ev.agent = msg_agent(msg);
	ev.status = (int)st;
	emit(e, &ev);
}

/* QueueMemberAdded, or a QueueMember line of a QueueStatus reply. A member
 * already known is announced again only through a pause change. */
static void map_member(struct emitter *e, const struct ami_msg *msg, double t)
{
	struct qevent ev = ev_base(EV_ADDMEMBER, t, msg);
	ev.callid = NULL;
	ev.agent = msg_agent(msg);
	if (!ev.agent || !ev.queue) {
		e->m->bad++;
		return;
	}
	ev.paused = hdr_bool(msg, "Paused");
	ev.reason = ev.paused ? msg_reason(msg) : NULL;
	struct ami_member *mb = member_find(e->m, ev.queue, ev.agent);
	if (!mb) {
		mb = member_add(e->m, ev.queue, ev.agent);
		emit(e, &ev);
	} else if (mb->paused != ev.paused) {
		ev.kind = ev.paused ? EV_PAUSE : EV_UNPAUSE;
		emit(e, &ev);
	}
	if (mb) {
		mb->paused = ev.paused;
		mb->seen = true;
	}
	emit_status(e, msg, t);
}

/* A QueueMember of a reply with InCall: 1 for a member in no call the mapper
 * follows in that queue: its AgentConnect was not seen (we connected mid-call,
 * or it was lost). The member is on a call from now (EV_BUSY under a made-up
 * callid, nothing counted) until its next AgentComplete or a reply with InCall: 0. */
static void status_busy(struct emitter *e, const struct ami_msg *msg, double t,
                        const char *queue, const char *name, const char *iface)
{
	struct ami_mapper *m = e->m;
	const char *agent = msg_agent(msg);
	if (!agent || talk_find_member(m, 0, queue, name, iface) >= 0)
		return;
	struct ami_member *mb = member_find(m, queue, agent);
	if (mb && mb->ended >= m->reply.time - 1.0)
		return;                     /* its AgentComplete came as the reply was made */
	char callid[48];
	snprintf(callid, sizeof callid, "ami-incall-%llu", (unsigned long long)(m->calls_unseen + 1));
	struct ami_talk *tk = talk_add(m, queue, name, iface, callid, t);
	if (!tk)
		return;
	tk->unseen = true;
	m->calls_unseen++;
	struct qevent ev = ev_base(EV_BUSY, t, msg);
	ev.callid = tk->callid;
	ev.agent = agent;
	emit(e, &ev);
}

/* A QueueMember of a reply with InCall: 0: the member's calls in that queue
 * answered before the reply have ended unseen (their AgentComplete lost or
 * without ids). They are forgotten, not counted: an end that comes after all
 * still counts once. With InCall: 1, see status_busy. */
static void status_incall(struct emitter *e, const struct ami_msg *msg, double t)
{
	struct ami_mapper *m = e->m;
	const char *queue = hdr(msg, "Queue"), *incall = hdr(msg, "InCall");
	if (!m->reply.on || !queue || !incall)
		return;
	const char *name = hdr(msg, "Name"), *iface = hdr(msg, "Location");
	if (!name)
		name = hdr(msg, "MemberName");
	if (!iface)
		iface = hdr(msg, "Interface");
	if (strcmp(incall, "1") == 0) {
		status_busy(e, msg, t, queue, name, iface);
		return;
	}
	if (strcmp(incall, "0") != 0)
		return;
	for (ssize_t k = 0; (k = talk_find_member(m, (size_t)k, queue, name, iface)) >= 0;) {
		if (m->talks[k].since >= m->reply.time - 1.0)
			k++;
		else
			talk_forget(e, (size_t)k, t, msg);
	}
}

static void map_status_member(struct emitter *e, const struct ami_msg *msg, double t)
{
	map_member(e, msg, t);
	status_incall(e, msg, t);
}

static void map_removed(struct emitter *e, const struct ami_msg *msg, double t)
{
	struct qevent ev = ev_base(EV_REMOVEMEMBER, t, msg);
	ev.callid = NULL;
	ev.agent = msg_agent(msg);
	struct ami_member *mb = member_find(e->m, ev.queue, ev.agent);
	if (mb)
		member_remove(e->m, mb);
	emit(e, &ev);
}

static void map_pause(struct emitter *e, const struct ami_msg *msg, double t)
{
	bool paused = hdr_bool(msg, "Paused");
	struct qevent ev = ev_base(paused ? EV_PAUSE : EV_UNPAUSE, t, msg);
	ev.callid = NULL;
	ev.agent = msg_agent(msg);
	ev.reason = msg_reason(msg);
	struct ami_member *mb = member_find(e->m, ev.queue, ev.agent);
	if (mb)
		mb->paused = paused;
	emit(e, &ev);
}

static void map_memberstatus(struct emitter *e, const struct ami_msg *msg, double t)
{
	emit_status(e, msg, t);
}

/* --- QueueStatus reply: QueueParams, QueueMember, QueueEntry, QueueStatusComplete */

static bool status_has_queue(const struct ami_mapper *m, const char *queue)
{
	for (size_t i = 0; i < m->reply.n_queues; i++)
		if (str_eq(m->reply.queues[i], queue))
			return true;
	return false;
}

static const char *msg_action_id(const struct ami_msg *msg)
{
	const char *id = ami_get(msg, "ActionID");
	return id ? id : "";
}

/* A message of a reply: the reply in progress goes on, or a new one starts
 * (one with another ActionID replaces a reply that was cut short). */
static void status_begin(struct ami_mapper *m, const struct ami_msg *msg, double t)
{
	const char *id = msg_action_id(msg);
	if (m->reply.on && str_eq(m->reply.action_id, id))
		return;
	status_reply_clear(&m->reply);
	m->reply.action_id = strdup(id);
	m->reply.on = m->reply.action_id != NULL;
	m->reply.time = t;
	for (size_t i = 0; i < m->n_members; i++)
		m->members[i].seen = false;
	for (size_t i = 0; i < m->n_callers; i++)
		m->callers[i].seen = false;
}

static void map_params(struct ami_mapper *m, const struct ami_msg *msg, double t)
{
	status_begin(m, msg, t);
	const char *q = hdr(msg, "Queue");
	if (!m->reply.on || !q || status_has_queue(m, q))
		return;
	char **nq = realloc(m->reply.queues, (m->reply.n_queues + 1) * sizeof *nq);
	if (!nq)
		return;
	m->reply.queues = nq;
	if ((nq[m->reply.n_queues] = strdup(q)) != NULL)
		m->reply.n_queues++;
}

/* Members of a listed queue that the reply did not list have left it while
 * the connection was down. Waiting callers it did not list are gone too;
 * their outcome is unknown, so they are only forgotten here. */
static void map_status_complete(struct emitter *e, const struct ami_msg *msg, double t)
{
	struct ami_mapper *m = e->m;
	if (!m->reply.on || !str_eq(m->reply.action_id, msg_action_id(msg)))
		return;                     /* the end of a reply that was cut short */
	for (size_t i = m->n_members; i-- > 0;) {
		struct ami_member *mb = &m->members[i];
		if (mb->seen || !status_has_queue(m, mb->queue))
			continue;
		struct qevent ev = ev_base(EV_REMOVEMEMBER, t, msg);
		ev.queue = mb->queue;
		ev.agent = mb->name;
		emit(e, &ev);
		member_remove(m, mb);
	}
	for (size_t i = m->n_callers; i-- > 0;) {
		struct ami_caller *c = &m->callers[i];
		if (!c->seen && c->state == CALLER_WAITING && status_has_queue(m, c->queue) &&
		    c->joined < m->reply.time - 1.0) {
			struct qevent ev = ev_base(EV_FORGET, t, msg);
			ev.callid = c->callid;
			ev.queue = c->queue;
			emit(e, &ev);
			caller_remove(m, c);
		}
	}
	status_reply_clear(&m->reply);
}

static void map_entry(struct emitter *e, const struct ami_msg *msg, double t)
{
	status_begin(e->m, msg, t);
	long wait = hdr_long(msg, "Wait");
	map_join(e, msg, t, t - (wait > 0 ? (double)wait : 0.0));
}

/* --- dispatch */

typedef void (*map_fn)(struct emitter *e, const struct ami_msg *msg, double t);

static void map_join_now(struct emitter *e, const struct ami_msg *msg, double t)
{
	map_join(e, msg, t, t);
}

static void map_ringing(struct emitter *e, const struct ami_msg *msg, double t)
{
	map_agent_simple(e, msg, t, EV_RINGING);
}

static void map_ringnoanswer(struct emitter *e, const struct ami_msg *msg, double t)
{
	map_agent_simple(e, msg, t, EV_RINGNOANSWER);
}

static const struct {
	const char *name;
	map_fn fn;
} map_table[] = {
	{ "QueueCallerJoin", map_join_now },
	{ "Join", map_join_now },
	{ "QueueCallerAbandon", map_abandon },
	{ "QueueCallerLeave", map_leave },
	{ "Leave", map_leave },
	{ "AgentCalled", map_ringing },
	{ "AgentConnect", map_connect },
	{ "AgentComplete", map_complete },
	{ "AgentRingNoAnswer", map_ringnoanswer },
	{ "QueueMemberAdded", map_member },
	{ "QueueMemberRemoved", map_removed },
	{ "QueueMemberPause", map_pause },
	{ "QueueMemberPaused", map_pause },
	{ "QueueMemberStatus", map_memberstatus },
	{ "QueueMember", map_status_member },
	{ "QueueStatusComplete", map_status_complete },
};

/* Settles bare leaves whose grace ran out by t. */
static void settle_leaves(struct emitter *e, double t, bool all)
{
	struct ami_mapper *m = e->m;
	for (size_t i = 0; i < m->n_callers;) {
		struct ami_caller *c = &m->callers[i];
		if (c->state != CALLER_LEFT || (!all && t - c->left < m->leave_grace)) {
			i++;
			continue;
		}
		struct qevent ev = {
			.time = (int64_t)floor(c->left), .kind = EV_EXITKEY,
			.callid = c->callid, .queue = c->queue,
			.hold_s = -1, .talk_s = -1, .ring_ms = -1,
			.wait_s = c->joined >= 0 && c->left >= c->joined ?
			          (long)floor(c->left - c->joined + 0.5) : -1,
		};
		emit(e, &ev);
		caller_remove(m, c);
	}
}

/* The event time of msg: its Timestamp, else the receive time moved onto the
 * PBX clock by the skew measured on the latest stamped message. */
static double mapper_time(struct ami_mapper *m, const struct ami_msg *msg, double recv_time)
{
	double t = ami_msg_time(msg, -1.0);
	if (t >= 0) {
		m->skew = t - recv_time;
		return t;
	}
	return recv_time + m->skew;
}

size_t ami_mapper_feed(struct ami_mapper *m, const struct ami_msg *msg, double recv_time,
                       ami_event_fn fn, void *ctx)
{
	struct emitter e = { m, fn, ctx, 0 };
	m->messages++;
	const char *name = ami_get(msg, "Event");
	if (!name)
		return 0;                   /* banner or action response */
	double t = mapper_time(m, msg, recv_time);
	if (t > m->last_time)
		m->last_time = t;
	/* AgentConnect follows its QueueCallerLeave within microseconds; anything
	 * later than the grace settles older bare leaves first, in time order. */
	if (strcasecmp(name, "AgentConnect") != 0)
		settle_leaves(&e, t, false);
	if (strcasecmp(name, "QueueParams") == 0) {
		map_params(m, msg, t);
		return e.n;
	}
	if (strcasecmp(name, "QueueEntry") == 0) {
		map_entry(&e, msg, t);
		return e.n;
	}
	for (size_t i = 0; i < sizeof map_table / sizeof map_table[0]; i++) {
		if (strcasecmp(name, map_table[i].name) == 0) {
			map_table[i].fn(&e, msg, t);
			return e.n;
		}
	}
	m->ignored++;
	return e.n;
}

size_t ami_mapper_flush(struct ami_mapper *m, double now, ami_event_fn fn, void *ctx)
{
	struct emitter e = { m, fn, ctx, 0 };
	settle_leaves(&e, now + m->skew, false);
	return e.n;
}

size_t ami_mapper_finish(struct ami_mapper *m, ami_event_fn fn, void *ctx)
{
	struct emitter e = { m, fn, ctx, 0 };
	settle_leaves(&e, 0, true);
	return e.n;
}
