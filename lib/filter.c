/* filter.c -- the -w record filters. An expression FIELD OP VALUES becomes
 * one test of its field's kind: numbers as a list of inclusive ranges
 * (every operator, list, range and time turns into ranges when parsed),
 * addresses as IPv4 and IPv6 prefixes, strings as byte strings (the AWS
 * enumerations lowercased, compared in any case). A record's "-" passes
 * only FIELD=-, and a value not of the field's kind (a number that is
 * not digits, an address that is not one) fails every test. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "filter.h"

enum { NUM, ADDR, STR, ENUMS };                 /* kinds of fields */
enum { EQ, NE, LT, LE, GT, GE };                /* operators */
enum { PLAIN, PROTO, TIME };                    /* what a number may be written as */
enum { OK, BAD, TOOBIG, BACKWARDS, LONGPFX };   /* what parsing a value found */

struct range {
	uint64_t lo, hi;
};
struct pfx4 {
	uint32_t a, m;
};
struct pfx6 {
	uint64_t a[2], m[2];
};
struct str {
	char *s;
	size_t n;
	uint64_t w, m;                  /* ENUMS: s as a word, 0x20 on its letters */
};

struct test {
	char name[32];                  /* the field, lowercase */
	int kind;
	int ne;                         /* !=: passes when the value is in no item */
	int dash;                       /* a record's '-' passes: = with '-' listed */
	struct range *rg;
	size_t nrg;
	struct pfx4 *p4;
	size_t np4;
	struct pfx6 *p6;
	size_t np6;
	struct str *sv;
	size_t nsv;
};

struct fl_filter {
	struct test *t;
	size_t nt;
	char **names;                   /* distinct, in order of first use */
	int nnames;
	char *msg;
};

struct bound {
	int idx;                        /* the field's index in the format */
	struct test t;                  /* a copy: its lists are the filter's */
};
struct fl_fbound {
	size_t n;
	struct bound b[];
};

/* the fields that are not strings compared exactly */
static const struct kind {
	const char *name;
	int kind;
	int as;                         /* NUM: PLAIN, PROTO or TIME */
	uint64_t max;                   /* NUM: the largest value */
	const char *values;             /* ENUMS: every value, lowercase, NUL-separated */
	const char *shown;              /* ENUMS: the same for messages */
} kinds[] = {
	{ "version", NUM, PLAIN, UINT64_MAX, NULL, NULL },
	{ "srcport", NUM, PLAIN, 65535, NULL, NULL },
	{ "dstport", NUM, PLAIN, 65535, NULL, NULL },
	{ "protocol", NUM, PROTO, 255, NULL, NULL },
	{ "packets", NUM, PLAIN, UINT64_MAX, NULL, NULL },
	{ "bytes", NUM, PLAIN, UINT64_MAX, NULL, NULL },
	{ "start", NUM, TIME, UINT64_MAX, NULL, NULL },
	{ "end", NUM, TIME, UINT64_MAX, NULL, NULL },
	{ "tcp-flags", NUM, PLAIN, UINT64_MAX, NULL, NULL },
	{ "traffic-path", NUM, PLAIN, UINT64_MAX, NULL, NULL },
	{ "encryption-status", NUM, PLAIN, UINT64_MAX, NULL, NULL },
	{ "srcaddr", ADDR, 0, 0, NULL, NULL },
	{ "dstaddr", ADDR, 0, 0, NULL, NULL },
	{ "pkt-srcaddr", ADDR, 0, 0, NULL, NULL },
	{ "pkt-dstaddr", ADDR, 0, 0, NULL, NULL },
	{ "action", ENUMS, 0, 0, "accept\0reject\0", "ACCEPT, REJECT" },
	{ "log-status", ENUMS, 0, 0, "ok\0nodata\0skipdata\0", "OK, NODATA, SKIPDATA" },
	{ "flow-direction", ENUMS, 0, 0, "ingress\0egress\0", "ingress, egress" },
	{ "type", ENUMS, 0, 0, "ipv4\0ipv6\0efa\0", "IPv4, IPv6, EFA" },
};
static const struct kind strkind = { NULL, STR, 0, 0, NULL, NULL };

static int
lower(int c)
{
	return (unsigned)c - 'A' < 26 ? c + 32 : c;
}

static int
isdig(int c)
{
	return (unsigned)c - '0' < 10;
}

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

/* parse4 -- a dotted quad as inet_pton takes it: four decimals 0..255
 * without leading zeros, nothing around them */
static int
parse4(const char *s, size_t n, uint32_t *out)
{
	uint32_t a = 0;
	size_t i = 0;
	int part;

	for (part = 0;; part++) {
		unsigned v, d;
		size_t b = i;
		if (i == n || (v = (unsigned)s[i] - '0') > 9)
			return -1;
		for (i++; i < n && (d = (unsigned)s[i] - '0') <= 9; i++) {
			v = v * 10 + d;
			if (s[b] == '0' || v > 255)
				return -1;
		}
		a = a << 8 | v;
		if (part == 3)
			break;
		if (i == n || s[i] != '.')
			return -1;
		i++;
	}
	if (i != n)
		return -1;
	*out = a;
	return 0;
}

static int
hexval(int c)
{
	if ((unsigned)c - '0' < 10)
		return c - '0';
	c |= 0x20;
	if ((unsigned)c - 'a' < 6)
		return c - 'a' + 10;
	return -1;
}

/* parse6 -- an IPv6 address in the text forms of RFC 4291 section 2.2:
 * eight groups of 1 to 4 hex digits, one "::" for one or more groups of
 * zeros, the last two groups as a dotted quad; no zone */
static int
parse6(const char *s, size_t n, uint64_t out[2])
{
	uint16_t g[8];
	int ng = 0, gap = -1, k, h;
	size_t i = 0;

	if (n < 2)
		return -1;
	if (s[0] == ':') {
		if (s[1] != ':')
			return -1;
		gap = 0;
		i = 2;
	}
	while (i < n) {
		size_t b = i;
		unsigned v = 0;
		int d = 0;
		for (; i < n && (h = hexval((unsigned char)s[i])) >= 0; i++) {
			if (++d > 4)
				return -1;
			v = v << 4 | (unsigned)h;
		}
		if (d == 0)
			return -1;
		if (i < n && s[i] == '.') {
			uint32_t a;
			if (ng > 6 || parse4(s + b, n - b, &a) < 0)
				return -1;
			g[ng++] = (uint16_t)(a >> 16);
			g[ng++] = (uint16_t)a;
			break;
		}
		if (ng == 8)
			return -1;
		g[ng++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':' || ++i == n)
			return -1;
		if (s[i] == ':') {
			if (gap >= 0)
				return -1;
			gap = ng;
			i++;
		}
	}
	if (gap < 0 ? ng != 8 : ng > 7)
		return -1;
	out[0] = out[1] = 0;
	for (k = 0; k < ng; k++) {
		int at = gap >= 0 && k >= gap ? k + 8 - ng : k;
		out[at / 4] |= (uint64_t)g[k] << (16 * (3 - at % 4));
	}
	return 0;
}

/* a number as written in an expression: digits, or a time (start, end),
 * which may be before 1970 and may have a fraction of a second */
struct scalar {
	int time;
	uint64_t v;                     /* not a time */
	int64_t t;                      /* a time: whole seconds, and */
	int frac;                       /* whether a fraction is added */
};

static int
digits(const char *s, size_t n, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdig((unsigned char)s[i]))
			return 0;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 1;
}

/* days -- days from 1970-01-01 to y-m-d of the proleptic Gregorian
 * calendar (H. Hinnant's days_from_civil), so that no timegm is needed */
static int64_t
days(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* rfc3339 -- a date-time of RFC 3339 (YYYY-MM-DDTHH:MM:SS, a fraction,
 * then Z or an offset +HH:MM or -HH:MM; T and Z in either case) */
static int
rfc3339(const char *s, size_t n, struct scalar *x)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y, mo, d, h, mi, se, oh = 0, om = 0;
	int64_t off = 0;
	size_t i = 19;
	int frac = 0;

	if (n < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		return BAD;
	if (s[i] == '.') {
		if (++i == n || !isdig((unsigned char)s[i]))
			return BAD;
		for (; i < n && isdig((unsigned char)s[i]); i++)
			frac |= s[i] != '0';
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		if (n - i != 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return BAD;
		off = (int64_t)(oh * 3600 + om * 60);
		if (s[i] == '-')
			off = -off;
		i += 6;
	} else {
		return BAD;             /* no zone: a local time, not RFC 3339 */
	}
	if (i != n || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))) ||
	    h > 23 || mi > 59 || se > 60)
		return BAD;
	x->time = 1;
	x->t = days(y, mo, d) * 86400 + (int64_t)(h * 3600 + mi * 60 + se) - off;
	x->frac = frac;
	return OK;
}

/* scalar -- one value of a numeric field: digits (not over the field's
 * largest), a protocol keyword, a time */
static int
scalar(const struct kind *k, const char *s, size_t n, struct scalar *x)
{
	uint64_t v;
	int p;

	memset(x, 0, sizeof(*x));
	if (fl_isdigits(s, n)) {
		if (fl_udec(s, n, k->max, &v) < 0)
			return TOOBIG;
		x->v = v;
		return OK;
	}
	if (k->as == TIME)
		return rfc3339(s, n, x);
	/* fl_proto_parse keeps a cache in a static: never in fl_filter_test */
	if (k->as == PROTO && (p = fl_proto_parse(s, n)) >= 0) {
		x->v = (uint64_t)p;
		return OK;
	}
	return BAD;
}

/* atleast -- the lowest integer >= x, or 0 below 0 */
static uint64_t
atleast(const struct scalar *x)
{
	if (!x->time)
		return x->v;
	return x->t + x->frac < 0 ? 0 : (uint64_t)(x->t + x->frac);
}

/* atmost -- the highest integer <= x: 0, or -1 when x is below 0 */
static int
atmost(const struct scalar *x, uint64_t *v)
{
	if (!x->time) {
		*v = x->v;
		return 0;
	}
	if (x->t < 0)
		return -1;
	*v = (uint64_t)x->t;
	return 0;
}

/* above -- whether a > b, fractions aside */
static int
above(const struct scalar *a, const struct scalar *b)
{
	if (!a->time && !b->time)
		return a->v > b->v;
	if (a->time && b->time)
		return a->t > b->t;
	if (a->time)
		return a->t >= 0 && (uint64_t)a->t > b->v;
	return b->t < 0 || a->v > (uint64_t)b->t;
}

static void
addrange(struct test *t, uint64_t lo, uint64_t hi)
{
	if (lo > hi)
		return;                 /* no integer, as in =02:00:00.5Z */
	t->rg = erealloc(t->rg, (t->nrg + 1) * sizeof(*t->rg));
	t->rg[t->nrg].lo = lo;
	t->rg[t->nrg].hi = hi;
	t->nrg++;
}

/* span -- the integers from a to b */
static void
span(struct test *t, const struct scalar *a, const struct scalar *b)
{
	uint64_t hi;

	if (atmost(b, &hi) == 0)
		addrange(t, atleast(a), hi);
}

/* element -- one item of a numeric list: a value, or a range A-B (where a
 * value holds '-' itself, as a time or a keyword, the split that leaves
 * two values) */
static int
element(struct test *t, const struct kind *k, const char *s, size_t n)
{
	struct scalar a, b;
	size_t i;
	int e, ea, eb, big = 0;

	if ((e = scalar(k, s, n, &a)) == OK) {
		span(t, &a, &a);
		return OK;
	}
	if (e == TOOBIG)
		return TOOBIG;
	for (i = 1; i + 1 < n; i++) {
		if (s[i] != '-')
			continue;
		ea = scalar(k, s, i, &a);
		eb = scalar(k, s + i + 1, n - i - 1, &b);
		if (ea == OK && eb == OK) {
			if (above(&a, &b))
				return BACKWARDS;
			span(t, &a, &b);
			return OK;
		}
		big |= (ea == OK || ea == TOOBIG) && (eb == OK || eb == TOOBIG);
	}
	return big ? TOOBIG : BAD;
}

/* compare -- <, <=, > or >= one value, as a range */
static int
compare(struct test *t, const struct kind *k, int op, const char *s, size_t n)
{
	struct scalar x;
	uint64_t v;
	int e;

	if ((e = scalar(k, s, n, &x)) != OK)
		return e;
	switch (op) {
	case LT:
		if ((v = atleast(&x)) > 0)
			addrange(t, 0, v - 1);
		break;
	case LE:
		if (atmost(&x, &v) == 0)
			addrange(t, 0, v);
		break;
	case GT:
		if (atmost(&x, &v) < 0)
			addrange(t, 0, UINT64_MAX);
		else if (v < UINT64_MAX)
			addrange(t, v + 1, UINT64_MAX);
		break;
	default:
		addrange(t, atleast(&x), UINT64_MAX);
		break;
	}
	return OK;
}

/* prefix -- an address or a CIDR prefix; host bits are masked off */
static int
prefix(struct test *t, const char *s, size_t n)
{
	const char *sl = memchr(s, '/', n);
	size_t an = sl ? (size_t)(sl - s) : n;
	uint64_t len, a6[2];
	uint32_t a4;
	int v4;

	if (parse4(s, an, &a4) == 0)
		v4 = 1;
	else if (parse6(s, an, a6) == 0)
		v4 = 0;
	else
		return BAD;
	len = v4 ? 32 : 128;
	if (sl) {
		if (!fl_isdigits(sl + 1, n - an - 1))
			return BAD;
		if (fl_udec(sl + 1, n - an - 1, v4 ? 32 : 128, &len) < 0)
			return LONGPFX;
	}
	if (v4) {
		uint32_t m = len ? UINT32_MAX << (32 - len) : 0;
		t->p4 = erealloc(t->p4, (t->np4 + 1) * sizeof(*t->p4));
		t->p4[t->np4].a = a4 & m;
		t->p4[t->np4].m = m;
		t->np4++;
	} else {
		struct pfx6 *p;
		t->p6 = erealloc(t->p6, (t->np6 + 1) * sizeof(*t->p6));
		p = &t->p6[t->np6++];
		p->m[0] = len == 0 ? 0 : len >= 64 ? UINT64_MAX : UINT64_MAX << (64 - len);
		p->m[1] = len <= 64 ? 0 : len == 128 ? UINT64_MAX : UINT64_MAX << (128 - len);
		p->a[0] = a6[0] & p->m[0];
		p->a[1] = a6[1] & p->m[1];
	}
	return OK;
}

/* word -- a string value; an enumeration's must be one of its values */
static int
word(struct test *t, const struct kind *k, const char *s, size_t n)
{
	struct str *v;
	size_t i;

	if (k->kind == ENUMS) {
		const char *e;
		for (e = k->values; *e; e += strlen(e) + 1) {
			for (i = 0; i < n && e[i] && e[i] == lower((unsigned char)s[i]); i++)
				;
			if (i == n && e[i] == '\0')
				break;
		}
		if (!*e)
			return BAD;
	}
	t->sv = erealloc(t->sv, (t->nsv + 1) * sizeof(*t->sv));
	v = &t->sv[t->nsv++];
	v->s = emalloc(n + 1);
	for (i = 0; i < n; i++)
		v->s[i] = k->kind == ENUMS ? (char)lower((unsigned char)s[i]) : s[i];
	v->s[n] = '\0';
	v->n = n;
	v->w = v->m = 0;
	for (i = 0; i < n && i < 8; i++) {
		unsigned c = (unsigned char)v->s[i];
		v->w |= (uint64_t)c << (8 * i);
		if (c - 'a' < 26)
			v->m |= (uint64_t)0x20 << (8 * i);
	}
	return OK;
}

/* escape -- s for a one-line message: control bytes and '\' as \xNN */
static char *
escape(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\') {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	return p;
}

static int fail(struct fl_filter *f, const char **why, const char *expr, const char *v, size_t vn,
    const char *what, ...) FL_PRINTF(6, 7);

/* fail -- set the message "-w 'EXPR': 'VALUE' WHAT" (no value when v is
 * NULL) and return -1 */
static int
fail(struct fl_filter *f, const char **why, const char *expr, const char *v, size_t vn,
    const char *what, ...)
{
	char tail[256], *p;
	size_t en = strlen(expr);
	va_list ap;

	va_start(ap, what);
	vsnprintf(tail, sizeof(tail), what, ap);
	va_end(ap);
	free(f->msg);
	p = f->msg = emalloc(4 * en + 4 * vn + strlen(tail) + 16);
	memcpy(p, "-w '", 4);
	p = escape(p + 4, expr, en);
	memcpy(p, "': ", 3);
	p += 3;
	if (v) {
		*p++ = '\'';
		p = escape(p, v, vn);
		memcpy(p, "' ", 2);
		p += 2;
	}
	strcpy(p, tail);
	*why = f->msg;
	return -1;
}

static void
freetest(struct test *t)
{
	size_t i;

	for (i = 0; i < t->nsv; i++)
		free(t->sv[i].s);
	free(t->sv);
	free(t->rg);
	free(t->p4);
	free(t->p6);
}

/* trim -- s[*b, *e) without the blanks around it */
static void
trim(const char *s, size_t *b, size_t *e)
{
	while (*b < *e && blank((unsigned char)s[*b]))
		(*b)++;
	while (*e > *b && blank((unsigned char)s[*e - 1]))
		(*e)--;
}

/* values -- the list after the operator into t; 0, or -1 and the message */
static int
values(struct fl_filter *f, const char **why, const char *expr, struct test *t,
    const struct kind *k, int op, const char *s, size_t n)
{
	static const char *const opname[] = { "=", "!=", "<", "<=", ">", ">=" };
	size_t b = 0, e, cut;
	int r;

	if (op >= LT && k->kind != NUM)
		return fail(f, why, expr, NULL, 0, "%s takes only = and !=", t->name);
	if (op >= LT && memchr(s, ',', n))
		return fail(f, why, expr, opname[op], strlen(opname[op]), "takes one value");
	for (;;) {
		const char *v;
		size_t vn;
		for (cut = b; cut < n && s[cut] != ','; cut++)
			;
		e = cut;
		trim(s, &b, &e);
		v = s + b;
		vn = e - b;
		if (vn == 0)
			return fail(f, why, expr, NULL, 0, memchr(s, ',', n) ? "empty value in the list" :
			    "no value");
		if (memchr(v, ' ', vn) || memchr(v, '\t', vn))
			return fail(f, why, expr, v, vn, "holds a blank");
		if (vn == 1 && v[0] == '-' && op <= NE) {
			t->dash |= op == EQ;
			r = OK;
		} else if (op >= LT) {
			r = compare(t, k, op, v, vn);
		} else if (k->kind == NUM) {
			r = element(t, k, v, vn);
		} else if (k->kind == ADDR) {
			r = prefix(t, v, vn);
		} else {
			r = word(t, k, v, vn);
		}
		switch (r) {
		case OK:
			break;
		case TOOBIG:
			return fail(f, why, expr, v, vn, "is out of range for %s (0-%llu)", t->name,
			    (unsigned long long)k->max);
		case BACKWARDS:
			return fail(f, why, expr, v, vn, "is a range from high to low");
		case LONGPFX:
			return fail(f, why, expr, v, vn, "has a prefix length over %s",
			    memchr(v, ':', vn) ? "128" : "32");
		default:
			if (k->kind == ADDR)
				return fail(f, why, expr, v, vn, "is not an IPv4 or IPv6 address or prefix");
			if (k->kind == ENUMS)
				return fail(f, why, expr, v, vn, "is not a value of %s (%s)", t->name,
				    k->shown);
			if (k->as == TIME)
				return fail(f, why, expr, v, vn, "is not a number%s RFC 3339 time%s",
				    op <= NE ? "," : " or an", op <= NE ? " or a range" : "");
			if (k->as == PROTO)
				return fail(f, why, expr, v, vn, "is not a protocol number%s keyword%s",
				    op <= NE && memchr(v, '-', vn) ? "," : " or", op <= NE &&
				    memchr(v, '-', vn) ? " or range" : "");
			return fail(f, why, expr, v, vn, "is not a number%s",
			    op <= NE && memchr(v, '-', vn) ? " or a range" : "");
		}
		if (cut == n)
			return 0;
		b = cut + 1;
	}
}

int
fl_filter_add(struct fl_filter **fp, const char *expr, const char **why)
{
	struct fl_filter *f = *fp;
	const struct kind *k = &strkind;
	struct test t;
	size_t n = strlen(expr), i, nb = 0, ne, j;
	int op;

	if (!f)
		f = *fp = ecalloc(1, sizeof(*f));
	memset(&t, 0, sizeof(t));
	for (i = 0; i < n && !memchr("=!<>", expr[i], 4); i++)
		;
	ne = i;
	trim(expr, &nb, &ne);
	if (i == n || (expr[i] == '!' && expr[i + 1] != '='))
		return fail(f, why, expr, NULL, 0, "no operator (=, !=, <, <=, >, >=)");
	if (ne == nb)
		return fail(f, why, expr, NULL, 0, "no field name before the operator");
	if (!fl_field_known(expr + nb, ne - nb))
		return fail(f, why, expr, expr + nb, ne - nb, "is not a flow log field");
	for (j = 0; j < ne - nb; j++)
		t.name[j] = (char)lower((unsigned char)expr[nb + j]);
	for (j = 0; j < sizeof(kinds) / sizeof(kinds[0]); j++)
		if (strcmp(kinds[j].name, t.name) == 0)
			k = &kinds[j];
	t.kind = k->kind;
	switch (expr[i]) {
	case '!':
		op = NE;
		break;
	case '<':
		op = expr[i + 1] == '=' ? LE : LT;
		break;
	case '>':
		op = expr[i + 1] == '=' ? GE : GT;
		break;
	default:
		op = EQ;
		break;
	}
	i += op == NE || op == LE || op == GE ? 2 : 1;
	t.ne = op == NE;
	if (values(f, why, expr, &t, k, op, expr + i, n - i) < 0) {
		freetest(&t);
		return -1;
	}
	f->t = erealloc(f->t, (f->nt + 1) * sizeof(*f->t));
	f->t[f->nt++] = t;
	for (j = 0; j < (size_t)f->nnames; j++)
		if (strcmp(f->names[j], t.name) == 0)
			break;
	if (j == (size_t)f->nnames) {
		f->names = erealloc(f->names, (j + 1) * sizeof(*f->names));
		f->names[f->nnames++] = estrdup(t.name);
	}
	return 0;
}

struct fl_fbound *
fl_filter_bind(const struct fl_filter *f, const struct fl_fmt *fmt, const char **missing)
{
	struct fl_fbound *b;
	size_t i, nt = f ? f->nt : 0;
	int j;

	b = emalloc(sizeof(*b) + nt * sizeof(b->b[0]));
	b->n = nt;
	for (i = 0; i < nt; i++) {
		/* a header naming a field twice: the first one counts */
		for (j = 0; j < fmt->nfields; j++)
			if (strcmp(fmt->names[j], f->t[i].name) == 0)
				break;
		if (j == fmt->nfields) {
			*missing = f->t[i].name;
			free(b);
			return NULL;
		}
		b->b[i].idx = j;
		b->b[i].t = f->t[i];
	}
	return b;
}

/* inranges -- v is in one of the ranges */
static int
inranges(const struct test *t, uint64_t v)
{
	size_t i;

	for (i = 0; i < t->nrg; i++)
		if (v >= t->rg[i].lo && v <= t->rg[i].hi)
			return 1;
	return 0;
}

/* check -- one test on one field's bytes */
static int
check(const struct test *t, const char *s, size_t n)
{
	uint64_t v = 0, a6[2];
	uint32_t a4;
	size_t i, j;
	int in = 0;

	if (n == 1 && s[0] == '-')
		return t->dash;
	switch (t->kind) {
	case NUM:
		if (fl_udec(s, n, UINT64_MAX, &v) < 0)
			return 0;
		in = inranges(t, v);
		break;
	case ADDR:
		/* = with prefixes of one family: a value of the other fails
		 * whether it is an address or not */
		if ((t->np4 || t->ne) && parse4(s, n, &a4) == 0) {
			for (i = 0; i < t->np4 && !in; i++)
				in = (a4 & t->p4[i].m) == t->p4[i].a;
		} else if ((t->np6 || t->ne) && parse6(s, n, a6) == 0) {
			for (i = 0; i < t->np6 && !in; i++)
				in = (a6[0] & t->p6[i].m[0]) == t->p6[i].a[0] &&
				    (a6[1] & t->p6[i].m[1]) == t->p6[i].a[1];
		} else {
			return 0;
		}
		break;
	case STR:
		for (i = 0; i < t->nsv && !in; i++)
			in = n == t->sv[i].n && memcmp(s, t->sv[i].s, n) == 0;
		break;
	default:
		/* every value of an enumeration fits a word: the record's bytes
		 * as one, 0x20 set on the letters of the value (x | 0x20 is a
		 * lowercase letter only when x is a letter) */
		if (n > 8)
			return t->ne;
		for (j = 0; j < n; j++)
			v |= (uint64_t)(unsigned char)s[j] << (8 * j);
		for (i = 0; i < t->nsv && !in; i++)
			in = n == t->sv[i].n && (v | t->sv[i].m) == t->sv[i].w;
		break;
	}
	return in ^ t->ne;
}

int
fl_filter_test(const struct fl_fbound *b, const struct fl_rec *r)
{
	size_t i;

	if (!b)
		return 1;
	for (i = 0; i < b->n; i++) {
		int k = b->b[i].idx;
		if (k >= r->nf || !check(&b->b[i].t, r->f[k], r->fn[k]))
			return 0;
	}
	return 1;
}

int
fl_filter_idx(const struct fl_fbound *b, int *idx, int max)
{
	size_t i;
	int j, k = 0;

	for (i = 0; b && i < b->n; i++) {
		for (j = 0; j < k && idx[j] != b->b[i].idx; j++)
			;
		if (j < k)
			continue;
		if (k == max)
			return -1;
		idx[k++] = b->b[i].idx;
	}
	return k;
}

void
fl_filter_unbind(struct fl_fbound *b)
{
	free(b);
}

void
fl_filter_free(struct fl_filter *f)
{
	size_t i;

	if (!f)
		return;
	free(f->msg);
	for (i = 0; i < f->nt; i++)
		freetest(&f->t[i]);
	free(f->t);
	for (i = 0; i < (size_t)f->nnames; i++)
		free(f->names[i]);
	free(f->names);
	free(f);
}

int
fl_filter_fields(const struct fl_filter *f, const char *const **names)
{
	if (!f) {
		*names = NULL;
		return 0;
	}
	*names = (const char *const *)f->names;
	return f->nnames;
}
