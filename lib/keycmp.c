/* keycmp.c -- the order of counted keys: field by field (TAB-separated),
 * numerically where both fields are decimal numbers, else by bytes. The
 * rule can go round in a circle (63 < 243 by value, 243 < 3pc and 3pc < 63
 * by bytes); keys caught in such a circle keep the order a stable sort of
 * their first appearance gives them. */
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

int
fl_keycmp(const char *a, size_t an, const char *b, size_t bn)
{
	for (;;) {
		const char *ta = memchr(a, '\t', an), *tb = memchr(b, '\t', bn);
		size_t fa = ta ? (size_t)(ta - a) : an, fb = tb ? (size_t)(tb - b) : bn;
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
