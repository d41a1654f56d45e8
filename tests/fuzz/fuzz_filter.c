/* fuzz_filter -- the -w record filters (lib/filter.c) against a reference
 * written the simple way: an expression is split with strcspn, numbers
 * read by strtoull, addresses by inet_pton, times by a regular expression
 * and timegm, and every record value compared with every item of the list
 * (no ranges built, no prefixes masked ahead). fl_filter_add must accept
 * exactly the expressions the reference accepts (a rejected one has a
 * message), and fl_filter_test must agree with it on every value.
 *
 * Two kinds of input: text, an expression on the first line and record
 * values (words) after it; or, after a first byte 0x01, bytes from which
 * an expression and values near its items are made (numbers at the
 * bounds, times with fractions and offsets, addresses in and out of the
 * prefixes written every way), so that most runs test a valid filter. */
#define _DEFAULT_SOURCE                 /* timegm, for the reference only */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flow.h"
#include "filter.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "CHECK failed line %d\n", __LINE__); abort(); } } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static regex_t timere;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	CHECK(regcomp(&timere, "^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
	    "(\\.[0-9]+)?([Zz]|[-+]([0-9]{2}):([0-9]{2}))$", REG_EXTENDED) == 0);
	return 0;
}

/* ---- the reference ---- */

static const char *const fields[] = {
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
	"protocol", "packets", "bytes", "start", "end", "action", "log-status", "vpc-id",
	"subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region",
	"az-id", "sublocation-type", "sublocation-id", "pkt-src-aws-service",
	"pkt-dst-aws-service", "flow-direction", "traffic-path", "ecs-cluster-arn",
	"ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id",
	"ecs-container-id", "ecs-second-container-id", "ecs-service-name",
	"ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id", "reject-reason", "resource-id",
	"encryption-status",
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

enum { RNUM, RADDR, RSTR, RENUM };
enum { EQ, NE, LT, LE, GT, GE };

static int
kindof(const char *f, uint64_t *max, const char *const **vals)
{
	static const char *const act[] = { "ACCEPT", "REJECT", NULL };
	static const char *const st[] = { "OK", "NODATA", "SKIPDATA", NULL };
	static const char *const dir[] = { "ingress", "egress", NULL };
	static const char *const typ[] = { "IPv4", "IPv6", "EFA", NULL };
	static const char *const nums[] = { "version", "packets", "bytes", "start", "end",
		"tcp-flags", "traffic-path", "encryption-status", NULL };
	int i;

	*max = UINT64_MAX;
	if (!strcmp(f, "srcport") || !strcmp(f, "dstport")) {
		*max = 65535;
		return RNUM;
	}
	if (!strcmp(f, "protocol")) {
		*max = 255;
		return RNUM;
	}
	for (i = 0; nums[i]; i++)
		if (!strcmp(f, nums[i]))
			return RNUM;
	if (!strcmp(f, "srcaddr") || !strcmp(f, "dstaddr") || !strcmp(f, "pkt-srcaddr") ||
	    !strcmp(f, "pkt-dstaddr"))
		return RADDR;
	*vals = !strcmp(f, "action") ? act : !strcmp(f, "log-status") ? st :
	    !strcmp(f, "flow-direction") ? dir : !strcmp(f, "type") ? typ : NULL;
	return *vals ? RENUM : RSTR;
}

/* a value of an expression's list, for a numeric field */
struct rv {
	int time;
	uint64_t v;
	long long secs;
	int frac;
};

static int
alldigits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int
rnumber(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long x;

	if (!alldigits(s))
		return -1;
	errno = 0;
	x = strtoull(s, NULL, 10);
	if (errno == ERANGE || x > max)
		return -1;
	*v = x;
	return 0;
}

static int
two(const char *s, regmatch_t m)
{
	return (s[m.rm_so] - '0') * 10 + s[m.rm_so + 1] - '0';
}

static int
rtime(const char *s, struct rv *x)
{
	regmatch_t m[11];
	struct tm tm, back;
	time_t t;
	int y, mo, d, h, mi, se, off = 0, i;

	if (regexec(&timere, s, 11, m, 0) != 0)
		return -1;
	y = atoi(s);
	mo = two(s, m[2]);
	d = two(s, m[3]);
	h = two(s, m[4]);
	mi = two(s, m[5]);
	se = two(s, m[6]);
	if (h > 23 || mi > 59 || se > 60)
		return -1;
	if (m[9].rm_so >= 0) {
		int oh = two(s, m[9]), om = two(s, m[10]);
		if (oh > 23 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (s[m[8].rm_so] == '-' ? -1 : 1);
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	t = timegm(&tm);
	if (!gmtime_r(&t, &back) || back.tm_year != y - 1900 || back.tm_mon != mo - 1 ||
	    back.tm_mday != d)
		return -1;
	x->time = 1;
	x->secs = (long long)t + h * 3600 + mi * 60 + se - off;
	x->frac = 0;
	if (m[7].rm_so >= 0)
		for (i = m[7].rm_so + 1; i < m[7].rm_eo; i++)
			x->frac |= s[i] != '0';
	return 0;
}

static int
rscalar(const char *f, uint64_t max, const char *s, struct rv *x)
{
	int p;

	memset(x, 0, sizeof(*x));
	if (alldigits(s))
		return rnumber(s, max, &x->v);
	if (!strcmp(f, "start") || !strcmp(f, "end"))
		return rtime(s, x);
	if (!strcmp(f, "protocol") && (p = fl_proto_parse(s, strlen(s))) >= 0) {
		x->v = (uint64_t)p;
		return 0;
	}
	return -1;
}

/* rcmp -- the order of the whole number v and x */
static int
rcmp(uint64_t v, const struct rv *x)
{
	if (!x->time)
		return v < x->v ? -1 : v > x->v;
	if (x->secs < 0 || v > (uint64_t)LLONG_MAX || (long long)v > x->secs)
		return 1;
	if ((long long)v < x->secs)
		return -1;
	return x->frac ? -1 : 0;
}

/* rabove -- a > b, seconds only, as a backwards range */
static int
rabove(const struct rv *a, const struct rv *b)
{
	long double x = a->time ? (long double)a->secs : (long double)a->v;
	long double y = b->time ? (long double)b->secs : (long double)b->v;

	if (!a->time && !b->time)
		return a->v > b->v;
	return x > y;
}

/* one item: '-', a value, a range (lo, hi), an address prefix or a string */
struct item {
	int dash, range;
	struct rv lo, hi;
	int fam;
	unsigned char a[16];
	unsigned len;
	const char *s;                  /* in the reference's copy of the expression */
};

struct ref {
	int ok;
	char field[32];
	int kind, op;
	int nitems;
	char buf[8192];
	struct item it[4200];
};

static void
trim(char **s)
{
	char *e;

	while (**s == ' ' || **s == '\t')
		(*s)++;
	e = *s + strlen(*s);
	while (e > *s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
}

static int
raddr(const char *s, int *fam, unsigned char *a)
{
	if (inet_pton(AF_INET, s, a) == 1) {
		*fam = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*fam = 6;
		return 0;
	}
	return -1;
}

static int
ritem(struct ref *r, uint64_t max, const char *const *vals, char *s, struct item *it)
{
	char *p;
	int i;

	memset(it, 0, sizeof(*it));
	it->s = s;
	if (!strcmp(s, "-") && r->op <= NE) {
		it->dash = 1;
		return 0;
	}
	if (strchr(s, ' ') || strchr(s, '\t'))
		return -1;
	switch (r->kind) {
	case RNUM:
		if (rscalar(r->field, max, s, &it->lo) == 0)
			return 0;
		if (r->op > NE || alldigits(s))
			return -1;
		for (p = s + 1; *p && p[1]; p++) {
			if (*p != '-')
				continue;
			*p = '\0';
			i = rscalar(r->field, max, s, &it->lo) == 0 &&
			    rscalar(r->field, max, p + 1, &it->hi) == 0;
			*p = '-';
			if (i) {
				it->range = 1;
				return rabove(&it->lo, &it->hi) ? -1 : 0;
			}
		}
		return -1;
	case RADDR:
		if ((p = strchr(s, '/')) != NULL)
			*p = '\0';
		i = raddr(s, &it->fam, it->a);
		if (p)
			*p = '/';
		if (i < 0)
			return -1;
		it->len = it->fam == 4 ? 32 : 128;
		if (p) {
			unsigned long l;
			const char *q = p + 1;
			if (!alldigits(q))
				return -1;
			while (q[0] == '0' && q[1])
				q++;
			if (strlen(q) > 3)
				return -1;
			l = strtoul(q, NULL, 10);
			if (l > it->len)
				return -1;
			it->len = (unsigned)l;
		}
		return 0;
	case RENUM:
		for (i = 0; vals[i]; i++)
			if (!strcasecmp(vals[i], s))
				break;
		if (!vals[i])
			return -1;
		return 0;
	default:
		return 0;
	}
}

/* rparse -- the reference's reading of an expression */
static void
rparse(const char *expr, struct ref *r)
{
	char *buf = r->buf, *name, *v, *p, *comma;
	const char *const *vals = NULL;
	uint64_t max;
	size_t k, i;

	r->ok = 0;
	r->nitems = 0;
	if (strlen(expr) >= sizeof(r->buf))
		abort();
	strcpy(buf, expr);
	k = strcspn(buf, "=!<>");
	if (!buf[k] || (buf[k] == '!' && buf[k + 1] != '='))
		return;
	r->op = buf[k] == '=' ? EQ : buf[k] == '!' ? NE : buf[k] == '<' ?
	    (buf[k + 1] == '=' ? LE : LT) : (buf[k + 1] == '=' ? GE : GT);
	v = buf + k + (r->op == NE || r->op == LE || r->op == GE ? 2 : 1);
	buf[k] = '\0';
	name = buf;
	trim(&name);
	for (i = 0; i < NFIELDS; i++)
		if (!strcasecmp(name, fields[i]))
			break;
	if (i == NFIELDS)
		return;
	strcpy(r->field, fields[i]);
	r->kind = kindof(r->field, &max, &vals);
	if (r->op > NE && (r->kind != RNUM || strchr(v, ',')))
		return;
	for (p = v;; p = comma + 1) {
		char *s = p;
		if ((comma = strchr(p, ',')) != NULL)
			*comma = '\0';
		trim(&s);
		if (!*s || r->nitems == (int)(sizeof(r->it) / sizeof(r->it[0])) || ritem(r, max, vals, s, &r->it[r->nitems]) < 0)
			return;
		r->nitems++;
		if (!comma)
			break;
	}
	r->ok = 1;
}

static int
bitsmatch(const unsigned char *a, const unsigned char *b, unsigned len)
{
	unsigned i;

	for (i = 0; i < len; i++)
		if (((a[i / 8] >> (7 - i % 8)) ^ (b[i / 8] >> (7 - i % 8))) & 1)
			return 0;
	return 1;
}

static int
lowereq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
	}
	return 1;
}

/* rtest -- whether the record value (s, n) passes */
static int
rtest(const struct ref *r, const char *s, size_t n)
{
	char buf[8192];
	unsigned char a[16];
	uint64_t v = 0;
	int i, in = 0, fam;

	if (n == 1 && s[0] == '-') {
		for (i = 0; i < r->nitems; i++)
			if (r->it[i].dash && r->op == EQ)
				return 1;
		return 0;
	}
	if (n >= sizeof(buf) || memchr(s, '\0', n))
		return -1;              /* not asked */
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (r->kind == RNUM && rnumber(buf, UINT64_MAX, &v) < 0)
		return 0;
	if (r->kind == RADDR && raddr(buf, &fam, a) < 0)
		return 0;
	for (i = 0; i < r->nitems && !in; i++) {
		const struct item *it = &r->it[i];
		if (it->dash)
			continue;
		switch (r->kind) {
		case RNUM:
			switch (r->op) {
			case LT:
				in = rcmp(v, &it->lo) < 0;
				break;
			case LE:
				in = rcmp(v, &it->lo) <= 0;
				break;
			case GT:
				in = rcmp(v, &it->lo) > 0;
				break;
			case GE:
				in = rcmp(v, &it->lo) >= 0;
				break;
			default:
				in = it->range ? rcmp(v, &it->lo) >= 0 && rcmp(v, &it->hi) <= 0 :
				    rcmp(v, &it->lo) == 0;
			}
			break;
		case RADDR:
			in = it->fam == fam && bitsmatch(a, it->a, it->len);
			break;
		case RENUM:
			in = strlen(it->s) == n && lowereq(it->s, s, n);
			break;
		default:
			in = strlen(it->s) == n && memcmp(it->s, s, n) == 0;
			break;
		}
	}
	return r->op == NE ? !in : in;
}

/* ---- the library, against it ---- */

static void
run(const char *expr, const char *const *w, const size_t *wn, int nw, unsigned pos)
{
	struct fl_filter *f = NULL;
	struct fl_fbound *b;
	struct fl_fmt fmt;
	struct fl_rec rec;
	static struct ref r;
	const char *why = NULL, *missing = NULL;
	const char *const *names;
	int ok, i;

	ok = fl_filter_add(&f, expr, &why) == 0;
	rparse(expr, &r);
	if (ok != r.ok) {
		fprintf(stderr, "expression '%s': library %s, reference %s (%s)\n", expr,
		    ok ? "accepts" : "rejects", r.ok ? "accepts" : "rejects", ok ? "" : why);
		abort();
	}
	if (!ok) {
		CHECK(why && strncmp(why, "-w '", 4) == 0 && strlen(why) > 8);
		fl_filter_free(f);
		return;
	}
	CHECK(fl_filter_fields(f, &names) == 1 && strcmp(names[0], r.field) == 0);

	/* bound to a format without the field: missing names it */
	memset(&fmt, 0, sizeof(fmt));
	fmt.nfields = 2;
	strcpy(fmt.names[0], strcmp(r.field, "region") ? "region" : "az-id");
	strcpy(fmt.names[1], fmt.names[0]);
	CHECK(fl_filter_bind(f, &fmt, &missing) == NULL && strcmp(missing, r.field) == 0);

	/* with it at pos of three fields, and again after it (the first counts) */
	fmt.nfields = 4;
	strcpy(fmt.names[2], fmt.names[0]);
	strcpy(fmt.names[pos % 3], r.field);
	strcpy(fmt.names[3], r.field);
	b = fl_filter_bind(f, &fmt, &missing);
	CHECK(b != NULL);
	memset(&rec, 0, sizeof(rec));
	rec.nf = 4;
	for (i = 0; i < 4; i++) {
		rec.f[i] = "x";
		rec.fn[i] = 1;
	}
	for (i = 0; i < nw; i++) {
		int want = rtest(&r, w[i], wn[i]), got;
		rec.f[pos % 3] = w[i];
		rec.fn[pos % 3] = wn[i];
		got = fl_filter_test(b, &rec);
		CHECK(got == 0 || got == 1);
		if (want >= 0 && got != want) {
			fprintf(stderr, "expression '%s', value '%.*s': library %d, reference %d\n",
			    expr, (int)wn[i], w[i], got, want);
			abort();
		}
	}
	rec.nf = (int)(pos % 3);                /* a record short of the field fails */
	CHECK(fl_filter_test(b, &rec) == 0);
	fl_filter_unbind(b);
	fl_filter_free(f);
}

/* ---- inputs made from bytes ---- */

struct src {
	const uint8_t *p;
	size_t n;
};

static unsigned
byte(struct src *s)
{
	if (s->n == 0)
		return 0;
	s->n--;
	return *s->p++;
}

static uint64_t
u64(struct src *s, int k)
{
	uint64_t v = 0;

	while (k--)
		v = v << 8 | byte(s);
	return v;
}

#define MAXW 24
#define WLEN 128

struct gen {
	char expr[2048];
	char w[MAXW][WLEN];
	int nw;
	uint64_t nums[8];
	int nnum;
	unsigned char addr[8][16];
	int fam[8], naddr;
};

static void
addw(struct gen *g, const char *s)
{
	if (g->nw < MAXW && strlen(s) < WLEN)
		strcpy(g->w[g->nw++], s);
}

/* fmttime -- epoch seconds t as RFC 3339, in one of several ways */
static void
fmttime(char *out, size_t n, long long t, struct src *s)
{
	static const int offs[] = { 0, 60, -60, 330, -300, 1439, -1439, 120 };
	int k = (int)byte(s), off = offs[k % 8], frac = (k >> 3) % 4;
	time_t tt = (time_t)(t + off * 60);
	struct tm tm;
	char z[16];

	if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
		snprintf(out, n, "%lld", t < 0 ? 0LL : t);
		return;
	}
	if (off == 0)
		strcpy(z, k & 64 ? "z" : "Z");
	else
		snprintf(z, sizeof(z), "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
	snprintf(out, n, "%04d-%02d-%02d%c%02d:%02d:%02d%s%s", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, k & 128 ? 't' : 'T', tm.tm_hour, tm.tm_min, tm.tm_sec,
	    frac == 0 ? "" : frac == 1 ? ".0" : frac == 2 ? ".5" : ".000001", z);
}

/* fmtaddr -- an address in one of several ways: canonical, every group in
 * full, upper case, the last 32 bits as a dotted quad */
static void
fmtaddr(char *out, size_t n, int fam, const unsigned char *a, unsigned how)
{
	char buf[64];
	size_t i;

	if (fam == 4) {
		inet_ntop(AF_INET, a, out, (socklen_t)n);
		return;
	}
	if (how % 4 == 3) {                     /* six groups and a dotted quad */
		snprintf(out, n, "%x:%x:%x:%x:%x:%x:%u.%u.%u.%u", a[0] << 8 | a[1], a[2] << 8 | a[3],
		    a[4] << 8 | a[5], a[6] << 8 | a[7], a[8] << 8 | a[9], a[10] << 8 | a[11],
		    a[12], a[13], a[14], a[15]);
		return;
	}
	if (how % 3 == 1) {
		snprintf(out, n, "%x:%x:%x:%x:%04x:%x:%x:%x", a[0] << 8 | a[1], a[2] << 8 | a[3],
		    a[4] << 8 | a[5], a[6] << 8 | a[7], a[8] << 8 | a[9], a[10] << 8 | a[11],
		    a[12] << 8 | a[13], a[14] << 8 | a[15]);
		return;
	}
	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	if (how % 3 == 2)
		for (i = 0; buf[i]; i++)
			if (buf[i] >= 'a' && buf[i] <= 'f')
				buf[i] -= 32;
	snprintf(out, n, "%s", buf);
}

/* numitem -- one item of a numeric list, its values noted for the words */
static void
numitem(struct gen *g, const char *field, uint64_t max, struct src *s, char *out, size_t n)
{
	int time = !strcmp(field, "start") || !strcmp(field, "end");
	unsigned k = byte(s) % 8;
	uint64_t v;

	if (k == 0) {
		v = byte(s);
	} else if (k == 1) {
		v = max - byte(s) % 3;
	} else if (k == 2) {
		v = u64(s, 8);
	} else if (k == 3 && g->nnum) {
		v = g->nums[byte(s) % g->nnum] + byte(s) % 5;
	} else {
		v = (time ? 1714521600 : 0) + u64(s, 2);
	}
	if (max != UINT64_MAX && v > max && byte(s) % 4)
		v %= max + 1;
	if (g->nnum < 8)
		g->nums[g->nnum++] = v;
	if (time && byte(s) % 2 && v < ((uint64_t)1 << 40)) {
		fmttime(out, n, (long long)v - (byte(s) % 2 ? (long long)u64(s, 5) : 0), s);
		return;
	}
	if (!strcmp(field, "protocol") && v < 256 && fl_proto_has_keyword((unsigned)v) && byte(s) % 2) {
		size_t len;
		const char *name = fl_proto_name((unsigned)v, &len);
		snprintf(out, n, "%.*s", (int)len, name);
		if (byte(s) % 2)
			out[0] = (char)(out[0] >= 'a' && out[0] <= 'z' ? out[0] - 32 : out[0]);
		return;
	}
	snprintf(out, n, "%s%llu", byte(s) % 8 == 0 ? "0" : "", (unsigned long long)v);
}

static void
generate(struct src *s, struct gen *g)
{
	static const char *const ops[] = { "=", "!=", "<", "<=", ">", ">=" };
	static const char *const strs[] = { "eni-1", "eni-2", "a", "ACCEPT", "x-y" };
	const char *const *vals = NULL;
	const char *field = fields[byte(s) % NFIELDS];
	uint64_t max;
	int kind = kindof(field, &max, &vals), op, ni, i, j;
	char item[256];
	size_t at;

	op = kind == RNUM ? (int)(byte(s) % 6) : (int)(byte(s) % 2);
	ni = op > NE ? 1 : 1 + (int)(byte(s) % 4);
	at = (size_t)snprintf(g->expr, sizeof(g->expr), "%s%s%s", byte(s) % 16 ? "" : " ", field,
	    ops[op]);
	for (i = 0; i < ni; i++) {
		unsigned k = byte(s);
		if (k % 11 == 0 && op <= NE) {
			strcpy(item, "-");
		} else if (kind == RNUM) {
			numitem(g, field, max, s, item, sizeof(item));
			if (op <= NE && k % 3 == 0) {
				size_t l = strlen(item);
				item[l++] = '-';
				numitem(g, field, max, s, item + l, sizeof(item) - l);
			}
		} else if (kind == RADDR) {
			unsigned char a[16];
			int fam = k % 2 ? 6 : 4, len;
			for (j = 0; j < 16; j++)
				a[j] = (unsigned char)byte(s);
			if (k % 8 < 2 && g->naddr)          /* near one before */
				memcpy(a, g->addr[byte(s) % g->naddr], 16);
			if (fam == 6 && k % 4 == 3)
				memset(a + 2, 0, 8 + byte(s) % 4);   /* runs of zero groups */
			if (g->naddr < 8) {
				memcpy(g->addr[g->naddr], a, 16);
				g->fam[g->naddr++] = fam;
			}
			fmtaddr(item, sizeof(item), fam, a, byte(s));
			len = (int)(byte(s) % ((fam == 4 ? 32 : 128) + 2));
			if (len <= (fam == 4 ? 32 : 128))
				snprintf(item + strlen(item), sizeof(item) - strlen(item), "/%d", len);
		} else if (kind == RENUM) {
			int nv = 0;
			while (vals[nv])
				nv++;
			snprintf(item, sizeof(item), "%s", vals[byte(s) % nv]);
			for (j = 0; item[j]; j++)
				if (byte(s) % 2 && ((item[j] >= 'A' && item[j] <= 'Z') ||
				    (item[j] >= 'a' && item[j] <= 'z')))
					item[j] ^= 32;
		} else {
			snprintf(item, sizeof(item), "%s", strs[byte(s) % 5]);
		}
		at += (size_t)snprintf(g->expr + at, sizeof(g->expr) - at, "%s%s%s", i ? "," : "",
		    k % 13 ? "" : " ", item);
		if (at >= sizeof(g->expr))
			break;
	}
	/* record values: near the items, and a few that are not of the kind */
	g->nw = 0;
	addw(g, "-");
	for (i = 0; i < MAXW - 4 && s->n; i++) {
		char w[WLEN];
		unsigned k = byte(s);
		if (kind == RNUM) {
			uint64_t v = g->nnum ? g->nums[k % g->nnum] : 0;
			v += (uint64_t)((int)(byte(s) % 5) - 2);
			if (k % 7 == 0)
				v = u64(s, 8);
			snprintf(w, sizeof(w), "%s%llu", k % 9 == 0 ? "00" : "", (unsigned long long)v);
			if (k % 17 == 0)
				strcpy(w, k % 2 ? "1e3" : "+5");
		} else if (kind == RADDR) {
			unsigned char a[16];
			int fam = k % 2 ? 6 : 4;
			for (j = 0; j < 16; j++)
				a[j] = (unsigned char)byte(s);
			if (g->naddr && k % 4) {          /* inside a prefix but for its last bits */
				int which = (int)(byte(s) % g->naddr), keep = (int)(byte(s) % 17);
				fam = g->fam[which];
				for (j = 0; j < 16 - keep; j++)
					a[j] = g->addr[which][j];
			}
			fmtaddr(w, sizeof(w), fam, a, byte(s));
			if (k % 23 == 0)
				strcpy(w, k % 2 ? "010.0.0.1" : "1:2:3:4:5:6:7:8:9");
		} else if (kind == RENUM) {
			snprintf(w, sizeof(w), "%s", k % 5 == 0 ? "efa" : k % 5 == 1 ? "Reject" :
			    k % 5 == 2 ? "egress" : k % 5 == 3 ? "NoData" : "ok");
		} else {
			snprintf(w, sizeof(w), "%s", strs[k % 5]);
		}
		addw(g, w);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *w[MAXW + 256];
	static size_t wn[MAXW + 256];
	int nw = 0, i;

	if (size > 0 && data[0] == 1) {
		struct src s = { data + 1, size - 1 };
		struct gen g;
		unsigned pos = byte(&s);
		memset(&g, 0, sizeof(g));
		generate(&s, &g);
		for (i = 0; i < g.nw; i++) {
			w[i] = g.w[i];
			wn[i] = strlen(g.w[i]);
		}
		run(g.expr, w, wn, g.nw, pos);
	} else {
		/* an expression (to the first newline or NUL), then words */
		char *buf = malloc(size + 1), *expr;
		size_t e, i0;
		if (!buf)
			return 0;
		memcpy(buf, data, size);
		buf[size] = '\0';
		for (e = 0; e < size && buf[e] != '\n'; e++)
			;
		buf[e] = '\0';
		expr = buf;
		for (i0 = e + 1; i0 < size && nw < MAXW + 256;) {
			size_t b;
			while (i0 < size && (buf[i0] == ' ' || buf[i0] == '\t' || buf[i0] == '\n'))
				i0++;
			if (i0 == size)
				break;
			for (b = i0; i0 < size && buf[i0] != ' ' && buf[i0] != '\t' && buf[i0] != '\n'; i0++)
				;
			w[nw] = buf + b;
			wn[nw++] = i0 - b;
		}
		run(expr, w, wn, nw, size ? data[size - 1] : 0);
		free(buf);
	}
	return 0;
}
