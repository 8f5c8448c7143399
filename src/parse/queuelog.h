/* queuelog.h - one Asterisk queue_log line to one event (SPEC 1.1). Pure. */
#ifndef CCBOARD_QUEUELOG_H
#define CCBOARD_QUEUELOG_H

#include <stddef.h>
#include "event.h"

enum ql_result {
	QL_EVENT,      /* ev holds an event for the model */
	QL_IGNORED,    /* a well-formed line of an event the model does not use */
	QL_BLANK,      /* empty (or only NUL bytes / white space) */
	QL_BAD         /* not a queue_log line, or an event missing its fields */
};

/* Parses line[0..len) in place (it is split and NUL bytes are dropped; line
 * must be writable and line[len] must be '\0', as linebuf hands lines out).
 * On QL_EVENT, ev's strings point into line. */
enum ql_result queuelog_parse(char *line, size_t len, struct qevent *ev);

#endif
