/* keycmp.c -- the order of counted keys: field by field (TAB-separated),
 * numerically where both fields are decimal numbers, else by bytes. The
 * rule can go round in a circle (63 < 243 by value, 243 < 3pc and 3pc < 63
 * by bytes); count.c says where keys caught in such a circle go. */
#include <string.h>

#include "flow.h"

static int
bytecmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

/* numcmp -- two digit strings of any length */
static int
numcmp(const char *a, size_t an, const char *b, size_t bn)
{
	const char *a0 = a, *b0 = b;
	size_t an0 = an, bn0 = bn;
	int c;

	while (an > 1 && *a == '0') {
		a++;
		an--;
	}
	while (bn > 1 && *b == '0') {
		b++;
		bn--;
	}
	if (an != bn)
		return an < bn ? -1 : 1;
	c = memcmp(a, b, an);
	return c ? c : bytecmp(a0, an0, b0, bn0);    /* 07 before 7: equal values in a fixed order */
}

/* field -- the bytes up to a TAB or the end: a loop, as fields are short,
 * and no read past the key (memchr reads ahead in wide words) */
static size_t
field(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\t'; i++)
		;
	return i;
}

int
fl_keycmp(const char *a, size_t an, const char *b, size_t bn)
{
	for (;;) {
		size_t fa = field(a, an), fb = field(b, bn);
		const char *ta = fa < an ? a + fa : NULL, *tb = fb < bn ? b + fb : NULL;
		int c;

		if (fl_isdigits(a, fa) && fl_isdigits(b, fb))
			c = numcmp(a, fa, b, fb);
		else
			c = bytecmp(a, fa, b, fb);
		if (c)
			return c;
		if (!ta || !tb)
			return ta ? 1 : tb ? -1 : 0;
		a = ta + 1;
		an -= fa + 1;
		b = tb + 1;
		bn -= fb + 1;
	}
}
