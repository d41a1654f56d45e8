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

/* twodig -- the value of the two decimal digits at s, or -1 */
static int
twodig(const char *s)
{
	unsigned a = (unsigned char)s[0] - '0', b = (unsigned char)s[1] - '0';

	return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

/* fl_stamp -- the bytes before the record when a line's first field is an
 * RFC 3339 date-time, as CloudWatch Logs exports write before each record
 * (2023-11-14T22:13:20.000Z): the blanks before it, it and the blanks after
 * it; 0 when the first field is none. The grammar of RFC 3339 section 5.6:
 * YYYY-MM-DDThh:mm:ss, a fraction of one digit or more optional, then Z or
 * +hh:mm or -hh:mm; T and Z in either case; each number in its range (the
 * day by month and leap year, second 60 for a leap second). */
size_t
fl_stamp(const char *s, size_t n)
{
	static const char mdays[13] = { 0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t i = 0, b;
	int y, mo, d, v;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	b = i;
	if (n - b < 20 || s[b + 4] != '-' || s[b + 7] != '-' || (s[b + 10] | 0x20) != 't' ||
	    s[b + 13] != ':' || s[b + 16] != ':')
		return 0;
	if ((v = twodig(s + b)) < 0 || (y = twodig(s + b + 2)) < 0)
		return 0;
	y += 100 * v;
	if ((mo = twodig(s + b + 5)) < 1 || mo > 12 || (d = twodig(s + b + 8)) < 1 ||
	    d > mdays[mo] ||
	    (mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))))
		return 0;
	if ((v = twodig(s + b + 11)) < 0 || v > 23 || (v = twodig(s + b + 14)) < 0 || v > 59 ||
	    (v = twodig(s + b + 17)) < 0 || v > 60)
		return 0;
	i = b + 19;
	if (s[i] == '.') {
		for (b = ++i; i < n && (unsigned)((unsigned char)s[i] - '0') < 10; i++)
			;
		if (i == b || i == n)
			return 0;
	}
	if ((s[i] | 0x20) == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		if (n - i < 6 || (v = twodig(s + i + 1)) < 0 || v > 23 || s[i + 3] != ':' ||
		    (v = twodig(s + i + 4)) < 0 || v > 59)
			return 0;
		i += 6;
	} else {
		return 0;
	}
	if (i < n && s[i] != ' ' && s[i] != '\t')
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}
