/* split.c -- a line's fields: the portable byte loop (the fast paths are
 * in split.h) */
#include "split.h"

/* fl_splitbytes -- the plain byte loop: header lines, long lines, big-endian */
int
fl_splitbytes(const char *s, size_t n, struct fl_rec *r)
{
	const char *p = s, *e = s + n;
	int k = 0;

	for (;;) {
		const char *b;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p == e)
			break;
		b = p;
		while (p < e && *p != ' ' && *p != '\t')
			p++;
		if (k < FL_MAXF) {
			r->f[k] = b;
			r->fn[k] = (size_t)(p - b);
		}
		k++;
	}
	r->nf = k;
	return k;
}
