/* natsort.h - natural order of names: "q2" before "q10". Pure. */
#ifndef CCBOARD_NATSORT_H
#define CCBOARD_NATSORT_H

/* Compares a and b as a person reads them: runs of ASCII digits compare as
 * numbers (any length: "9" < "10" < "0000000000000000000011"), everything
 * else byte by byte (UTF-8 in code-point order). Numbers equal but for
 * leading zeros ("q1", "q01") order by fewer zeros first, then, whatever is
 * left equal, by strcmp: a total order, 0 only for equal strings. NULL sorts
 * as "". */
int natsort_cmp(const char *a, const char *b);

#endif
