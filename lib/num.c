/* num.c -- bounded decimal numbers: digits only, leading zeros allowed */
#include "flow.h"

int
fl_udec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	if (n <= 19) {
		/* below 10^19: no overflow in 64 bits, one test at the end */
		for (i = 0; i < n; i++) {
			unsigned d = (unsigned char)s[i] - '0';
			if (d > 9)
				return -1;
			v = v * 10 + d;
		}
		if (v > max)
			return -1;
		*out = v;
		return 0;
	}
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9 || d > max)
			return -1;
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
fl_isdigits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned)((unsigned char)s[i] - '0') > 9)    /* not int: '/' - '0' < 0 */
			return 0;
	return 1;
}

char *
fl_utoa(char *p, uint64_t v)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		*p++ = tmp[--i];
	return p;
}
