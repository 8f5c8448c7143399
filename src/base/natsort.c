/* natsort.c - natural order of names ("q2" before "q10"). */
#include "natsort.h"

#include <string.h>

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Compares the digit runs at *pa and *pb as numbers and moves both past
 * them. Returns <0, 0, >0; *zeros gets (leading zeros of a) - (of b). */
static int cmp_numbers(const unsigned char **pa, const unsigned char **pb, int *zeros)
{
	const unsigned char *a = *pa, *b = *pb, *ea, *eb;
	int za = 0, zb = 0;
	while (*a == '0' && is_digit(a[1]))
		a++, za++;
	while (*b == '0' && is_digit(b[1]))
		b++, zb++;
	for (ea = a; is_digit(*ea); ea++)
		;
	for (eb = b; is_digit(*eb); eb++)
		;
	*pa = ea;
	*pb = eb;
	*zeros = za - zb;
	if (ea - a != eb - b)                 /* more significant digits: larger */
		return ea - a < eb - b ? -1 : 1;
	for (; a < ea; a++, b++)
		if (*a != *b)
			return *a < *b ? -1 : 1;
	return 0;
}

int natsort_cmp(const char *sa, const char *sb)
{
	const unsigned char *a = (const unsigned char *)(sa ? sa : "");
	const unsigned char *b = (const unsigned char *)(sb ? sb : "");
	int zeros = 0;

	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			int z, c = cmp_numbers(&a, &b, &z);
			if (c)
				return c;
			if (!zeros)
				zeros = z;            /* the first difference in zeros decides a tie */
			continue;
		}
		if (*a != *b)
			return *a < *b ? -1 : 1;
		a++, b++;
	}
	if (*a || *b)
		return *a ? 1 : -1;           /* a prefix sorts first */
	if (zeros)
		return zeros < 0 ? -1 : 1;
	return strcmp(sa ? sa : "", sb ? sb : "");
}
