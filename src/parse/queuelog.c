/* queuelog.c - Asterisk queue_log lines to events.
 *
 *   epoch|callid|queue|agent|EVENT|data1|data2|...
 *
 * There is no escaping, so free text (pause reasons, transfer targets) may hold
 * '|': the five leading fields are split off first, then each event takes the
 * data fields it needs, from the front or (ATTENDEDTRANSFER) from the back. */
#include "queuelog.h"

#include <stdbool.h>
#include <string.h>
#include "bytes.h"
#include "strmap.h"

#define QL_MAX_DATA 16

struct ql_name {
	const char *name;
	unsigned char len;
	signed char kind;     /* enum ev_kind, or -1: known but ignored */
	unsigned char shape;  /* how the data fields are read */
};

enum shape { SH_NONE, SH_ENTER, SH_CONNECT, SH_COMPLETE, SH_TRANSFER, SH_ATTENDED,
	SH_EXIT3, SH_EXITKEY, SH_RING, SH_MEMBER, SH_REASON, SH_PAUSEALL };

#define N(s, k, sh) { s, sizeof(s) - 1, k, sh }
static const struct ql_name ql_names[] = {
	N("ENTERQUEUE", EV_ENTER, SH_ENTER),
	N("CONNECT", EV_CONNECT, SH_CONNECT),
	N("COMPLETECALLER", EV_COMPLETE, SH_COMPLETE),
	N("COMPLETEAGENT", EV_COMPLETE, SH_COMPLETE),
	N("TRANSFER", EV_TRANSFER, SH_TRANSFER),
	N("BLINDTRANSFER", EV_TRANSFER, SH_TRANSFER),
	N("ATTENDEDTRANSFER", EV_TRANSFER, SH_ATTENDED),
	N("ABANDON", EV_ABANDON, SH_EXIT3),
	N("EXITWITHTIMEOUT", EV_TIMEOUT, SH_EXIT3),
	N("EXITWITHKEY", EV_EXITKEY, SH_EXITKEY),
	N("EXITEMPTY", EV_EXITEMPTY, SH_EXIT3),
	N("WITHDRAW", EV_WITHDRAW, SH_EXIT3),
	N("RINGNOANSWER", EV_RINGNOANSWER, SH_RING),
	N("RINGCANCELED", EV_RINGCANCELED, SH_RING),
	N("ADDMEMBER", EV_ADDMEMBER, SH_MEMBER),
	N("REMOVEMEMBER", EV_REMOVEMEMBER, SH_MEMBER),
	N("AGENTLOGIN", EV_AGENTLOGIN, SH_MEMBER),
	N("AGENTCALLBACKLOGIN", EV_AGENTLOGIN, SH_MEMBER),
	N("AGENTLOGOFF", EV_AGENTLOGOFF, SH_MEMBER),
	N("AGENTCALLBACKLOGOFF", EV_AGENTLOGOFF, SH_MEMBER),
	N("PAUSE", EV_PAUSE, SH_REASON),
	N("UNPAUSE", EV_UNPAUSE, SH_REASON),
	N("PAUSEALL", EV_PAUSE, SH_PAUSEALL),
	N("UNPAUSEALL", EV_UNPAUSE, SH_PAUSEALL),
	N("QUEUESTART", EV_QUEUESTART, SH_NONE),
};
#undef N

static const char *const kind_names[EV_KIND_COUNT] = {
	"ENTER", "CONNECT", "COMPLETE", "TRANSFER", "ABANDON", "TIMEOUT", "EXITKEY",
	"EXITEMPTY", "WITHDRAW", "RINGNOANSWER", "RINGCANCELED", "RINGING", "ADDMEMBER",
	"REMOVEMEMBER", "AGENTLOGIN", "AGENTLOGOFF", "PAUSE", "UNPAUSE", "MEMBERSTATUS",
	"QUEUESTART", "FORGET", "BUSY",
};

const char *event_kind_name(enum ev_kind kind)
{
	return (unsigned)kind < EV_KIND_COUNT ? kind_names[kind] : "?";
}

static void key_one(const char *s, size_t len, uint32_t *out_len, uint32_t *out_hash)
{
	*out_len = s ? (uint32_t)len : 0;
	*out_hash = s ? strmap_hash_n(s, len) : 0;
}

void qevent_key(struct qevent *ev)
{
	key_one(ev->callid, ev->callid ? strlen(ev->callid) : 0, &ev->callid_len, &ev->callid_hash);
	key_one(ev->queue, ev->queue ? strlen(ev->queue) : 0, &ev->queue_len, &ev->queue_hash);
	key_one(ev->agent, ev->agent ? strlen(ev->agent) : 0, &ev->agent_len, &ev->agent_hash);
	ev->keyed = true;
}

/* Drops NUL bytes (left by a crash) in place; returns the new length. */
static size_t drop_nuls(char *s, size_t len)
{
	char *w = memchr(s, '\0', len);
	if (w == NULL)
		return len;
	for (const char *r = w; r < s + len; r++)
		if (*r != '\0')
			*w++ = *r;
	*w = '\0';
	return (size_t)(w - s);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Parses a whole field of decimal digits (a sign is not allowed) into *out.
 * Returns false for an empty field, any other character, or an absurd value. */
static bool parse_num(const char *s, long *out)
{
	long v = 0;
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || v > 100000000000L)
			return false;
		v = v * 10 + (long)d;
	}
	*out = v;
	return true;
}

/* An optional numeric field: -1 when absent; false when present but not a number. */
static bool opt_num(char **f, int n, int i, long *out)
{
	*out = -1;
	if (i >= n || f[i][0] == '\0')
		return true;
	return parse_num(f[i], out);
}

/* Splits the len bytes of s on '|' into at most max fields (the last keeps any
 * further '|'), writing a NUL over each separator. Eight bytes at a time on
 * little-endian machines: the split was two fifths of the parser's time as a
 * byte loop, and strchr's set-up costs more than a field of a few bytes. */
static int split(char *s, size_t len, char **f, int max)
{
	int n = 1;
	size_t i = 0;

	f[0] = s;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; n < max && i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		for (uint64_t hit = bytes_match(w, '|'); hit && n < max; hit &= hit - 1) {
			size_t at = i + (size_t)(__builtin_ctzll(hit) >> 3);
			s[at] = '\0';
			f[n++] = s + at + 1;
		}
	}
#endif
	for (; n < max && i < len; i++) {
		if (s[i] == '|') {
			s[i] = '\0';
			f[n++] = s + i + 1;
		}
	}
	return n;
}

/* "NONE" and "" mean no value. Compared by hand: three fields of every line. */
static const char *opt_str(const char *s)
{
	if (s[0] == '\0' ||
	    (s[0] == 'N' && s[1] == 'O' && s[2] == 'N' && s[3] == 'E' && s[4] == '\0'))
		return NULL;
	return s;
}

/* name is len bytes long (the split knows it); the length and the first
 * byte rule out nearly every other name before memcmp is called. */
static const struct ql_name *lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof ql_names / sizeof ql_names[0]; i++)
		if (ql_names[i].len == len && ql_names[i].name[0] == name[0] &&
		    bytes_equal(ql_names[i].name, name, len))
			return &ql_names[i];
	return NULL;
}

/* An event name Asterisk (or the QueueLog action) could have written. */
static bool is_event_word(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		char c = *s;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool read_enter(struct qevent *ev, char **f, int n)
{
	ev->callerid = n > 1 ? opt_str(f[1]) : NULL;
	return true;
}

static bool read_connect(struct qevent *ev, char **f, int n)
{
	long ring;
	return n >= 1 && parse_num(f[0], &ev->hold_s) && opt_num(f, n, 2, &ring);
}

static bool read_complete(struct qevent *ev, char **f, int n, int at)
{
	return at >= 0 && n >= at + 2 && parse_num(f[at], &ev->hold_s) &&
	       parse_num(f[at + 1], &ev->talk_s);
}

static bool read_exit(struct qevent *ev, char **f, int n, int wait_at)
{
	long pos;
	return n >= 1 && opt_num(f, n, wait_at - 2, &pos) && opt_num(f, n, wait_at, &ev->wait_s);
}

/* Reads the data fields of a known event into ev. */
static bool read_data(struct qevent *ev, const struct ql_name *nm, char *data, size_t data_len)
{
	char *f[QL_MAX_DATA];
	int n;

	switch (nm->shape) {
	case SH_NONE:
		return true;
	case SH_REASON:
	case SH_PAUSEALL:
		ev->reason = data[0] ? data : NULL;   /* free text, '|' and all */
		if (nm->shape == SH_PAUSEALL)
			ev->queue = NULL;
		return true;
	case SH_MEMBER:
		ev->paused = strncmp(data, "PAUSED", 6) == 0;
		return true;
	default:
		break;
	}
	n = data_len ? split(data, data_len, f, QL_MAX_DATA) : 0;
	switch (nm->shape) {
	case SH_ENTER:     return read_enter(ev, f, n);
	case SH_CONNECT:   return read_connect(ev, f, n);
	case SH_COMPLETE:  return read_complete(ev, f, n, 0);
	case SH_TRANSFER:  return read_complete(ev, f, n, 2);
	case SH_ATTENDED:  return read_complete(ev, f, n, n - 3);
	case SH_EXIT3:     return read_exit(ev, f, n, 2);
	case SH_EXITKEY:   return read_exit(ev, f, n, 3);
	case SH_RING:      return opt_num(f, n, 0, &ev->ring_ms);
	default:           return false;
	}
}

/* Events about one call need both a call id and a queue. */
static bool needs_call(enum ev_kind k)
{
	return k <= EV_RINGING;
}

/* Events about one agent need an agent. */
static bool needs_agent(enum ev_kind k)
{
	return k >= EV_ADDMEMBER && k <= EV_UNPAUSE;
}

enum ql_result queuelog_parse(char *line, size_t len, struct qevent *ev)
{
	char *f[6];
	char empty[1] = "";
	long epoch;
	int n;
	const struct ql_name *nm;

	len = drop_nuls(line, len);
	while (len > 0 && is_space(line[len - 1]))
		line[--len] = '\0';
	while (len > 0 && is_space(*line))
		line++, len--;
	if (len == 0)
		return QL_BLANK;
	n = split(line, len, f, 6);
	if (n < 5 || !parse_num(f[0], &epoch) || epoch == 0)
		return QL_BAD;

	nm = lookup(f[4], (size_t)((n == 6 ? f[5] - 1 : line + len) - f[4]));
	if (nm == NULL)
		return is_event_word(f[4]) ? QL_IGNORED : QL_BAD;
	if (nm->kind < 0)
		return QL_IGNORED;

	memset(ev, 0, sizeof *ev);
	ev->time = epoch;
	ev->kind = (enum ev_kind)nm->kind;
	ev->callid = opt_str(f[1]);
	ev->queue = opt_str(f[2]);
	ev->agent = opt_str(f[3]);
	ev->hold_s = ev->talk_s = ev->wait_s = ev->ring_ms = -1;
	if (!read_data(ev, nm, n == 6 ? f[5] : empty, n == 6 ? (size_t)(line + len - f[5]) : 0))
		return QL_BAD;
	if (needs_call(ev->kind) && (ev->callid == NULL || ev->queue == NULL))
		return QL_BAD;
	if (needs_agent(ev->kind) && ev->agent == NULL)
		return QL_BAD;
	if (ev->reason == empty)
		ev->reason = NULL;
	/* f[1..3] end where the next field starts */
	key_one(ev->callid, (size_t)(f[2] - f[1] - 1), &ev->callid_len, &ev->callid_hash);
	key_one(ev->queue, (size_t)(f[3] - f[2] - 1), &ev->queue_len, &ev->queue_hash);
	key_one(ev->agent, (size_t)(f[4] - f[3] - 1), &ev->agent_len, &ev->agent_hash);
	ev->keyed = true;
	return QL_EVENT;
}
