/* util.h - allocation that cannot fail quietly, and the one way to die. */
#ifndef CCBOARD_UTIL_H
#define CCBOARD_UTIL_H

#include <stddef.h>

/* Allocators that die (restoring the terminal) when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Returns a malloc'ed printf-formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Restores the terminal (through the hook), prints "ccboard: msg" and exits 70. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The hook fatal() calls first (the screen's emergency restore). */
void util_set_fatal_hook(void (*hook)(void));

#endif
