/* flowline.c -- one line of an AWS VPC flow log: header, comment, flow,
 * NODATA or malformed record */
#include <string.h>

#include "flow.h"

/* FL_CLONES -- the fast paths compiled twice where the compiler and the C
 * library can pick a copy when the program starts (GNU ifunc): once for
 * the baseline instruction set, once for x86-64-v3 (AVX2, BMI1/2, POPCNT,
 * ...), where the loops over a line's bytes take 32 bytes at a time and bit
 * tricks are single instructions. The C is the same; with FL_NO_BUILTIN
 * (the sanitizer build, so the tests run both) only the baseline copy is
 * made. FL_INLINE puts a function whole into each copy; FL_FLATTEN inlines
 * every call into a copied function (gcc; clang refuses it beside
 * target_clones, so there fl_parse_notab calls the baseline fast path). */
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(FL_NO_BUILTIN) && \
    ((defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12) || \
    (defined(__clang__) && __clang_major__ >= 14))
#define FL_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#define FL_INLINE inline __attribute__((always_inline))
#ifdef __clang__
#define FL_FLATTEN
#else
#define FL_FLATTEN __attribute__((flatten))
#endif
#else
#define FL_CLONES
#define FL_INLINE inline
#define FL_FLATTEN
#endif

/* the version 2 default format */
static const char *const v2[] = {
	"version", "account-id", "interface-id", "srcaddr", "dstaddr",
	"srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
	"action", "log-status",
};

/* every field name AWS documents for flow log records (versions 2 to 8) */
static const char *const known[] = {
	"version", "account-id", "interface-id", "srcaddr", "dstaddr",
	"srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
	"action", "log-status", "vpc-id", "subnet-id", "instance-id",
	"tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "az-id",
	"sublocation-type", "sublocation-id", "pkt-src-aws-service",
	"pkt-dst-aws-service", "flow-direction", "traffic-path",
	"ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
	"ecs-container-instance-id", "ecs-container-id",
	"ecs-second-container-id", "ecs-service-name",
	"ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
	"reject-reason", "resource-id", "encryption-status",
};

static int
lower(int c)
{
	return (unsigned)c - 'A' < 26 ? c + 32 : c;
}

/* nameeq -- s (n bytes, any case) equals the lowercase name */
static int
nameeq(const char *name, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (name[i] == '\0' || name[i] != lower((unsigned char)s[i]))
			return 0;
	return name[n] == '\0';
}

/* unwrap -- ${name} to name */
static void
unwrap(const char **s, size_t *n)
{
	if (*n >= 3 && (*s)[0] == '$' && (*s)[1] == '{' && (*s)[*n - 1] == '}') {
		*s += 2;
		*n -= 3;
	}
}

int
fl_field_known(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (nameeq(known[i], name, n))
			return 1;
	return 0;
}

/* setquick -- whether fl_parse may try the fast path: a little-endian
 * machine, protocol right after dstport, log-status last or absent, and no
 * other field wanted */
static int littleendian(void);

static void
setquick(struct fl_fmt *fmt)
{
	int i;

	/* the word tricks read bytes in little-endian order */
	fmt->quick = littleendian() && fmt->dstport >= 0 && fmt->protocol == fmt->dstport + 1 &&
	    (fmt->status < 0 || fmt->status == fmt->nfields - 1) && fmt->measure < 0;
	for (i = 0; i < fmt->nsel; i++)
		if (fmt->sel[i] >= 0 && fmt->sel[i] != fmt->dstport && fmt->sel[i] != fmt->protocol)
			fmt->quick = 0;
}

static void
setroles(struct fl_fmt *fmt)
{
	int i;

	fmt->dstport = fmt->protocol = fmt->status = -1;
	for (i = 0; i < fmt->nfields; i++) {
		if (fmt->dstport < 0 && strcmp(fmt->names[i], "dstport") == 0)
			fmt->dstport = i;
		else if (fmt->protocol < 0 && strcmp(fmt->names[i], "protocol") == 0)
			fmt->protocol = i;
		else if (fmt->status < 0 && strcmp(fmt->names[i], "log-status") == 0)
			fmt->status = i;
	}
	for (i = 0; i < fmt->nsel; i++)
		fmt->sel[i] = -1;
	fmt->measure = -1;
	setquick(fmt);
}

void
fl_fmt_default(struct fl_fmt *fmt)
{
	int i;

	fmt->nfields = (int)(sizeof(v2) / sizeof(v2[0]));
	for (i = 0; i < fmt->nfields; i++) {
		strcpy(fmt->names[i], v2[i]);
	}
	setroles(fmt);
}

/* zeros -- 0x80 in each byte of v that is zero, exactly (no borrow) */
static uint64_t
zeros(uint64_t v)
{
	const uint64_t l7 = 0x7f7f7f7f7f7f7f7fULL;

	return ~(((v & l7) + l7) | v | l7);
}

static int
littleendian(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 1;
}

/* splitbytes -- the plain byte loop, for big-endian machines */
static int
splitbytes(const char *s, size_t n, struct fl_rec *r)
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

/* blanks -- 0x80 in each byte that is a space or a tab */
static uint64_t
blanks(uint64_t w)
{
	return zeros(w ^ 0x2020202020202020ULL) | zeros(w ^ 0x0909090909090909ULL);
}

/* lowbyte -- the index of the lowest byte with its top bit set in m */
static size_t
lowbyte(uint64_t m)
{
	return (size_t)((((m & (~m + 1)) >> 7) * 0x0001020304050607ULL) >> 56);
}

#define HI 0x8080808080808080ULL
#define L7 0x7f7f7f7f7f7f7f7fULL
#define ONES 0x0101010101010101ULL
#define FASTWORDS 512

static uint64_t
load8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* tailword -- the last n-i (< 8) bytes of the line from s+i, zero above */
static uint64_t
tailword(const char *s, size_t n, size_t i)
{
	uint64_t x = 0;

	if (n >= 8)
		return load8(s + n - 8) >> (8 * (8 - (n - i)));
	memcpy(&x, s + i, n - i);
	return x;
}

/* word info of the line last scanned: the field starts in each word (0x80
 * bytes) and the count of fields up to the end of each word */
static uint64_t wst[FASTWORDS];
static uint16_t wend[FASTWORDS + 8];

/* scan -- count the fields, eight bytes at a time: a byte starts a field
 * when it is not blank and the byte before it is. Also counts the words
 * before the one holding field t, without a branch: where a field falls
 * changes from line to line, and a mispredicted branch costs more than the
 * whole word. tabs is a constant at each call: one loop for lines with tabs,
 * a cheaper one for lines without. */
static inline int
scan(const char *s, size_t n, int t, int tabs, size_t *nw, size_t *wt)
{
	uint64_t prev = 0x80;           /* the line starts after a blank */
	size_t i = 0, w = 0, before = 0;
	int k = 0;

	for (;;) {
		uint64_t x, b, st;
		int c;
		if (i + 8 <= n) {
			x = load8(s + i);
			b = tabs ? blanks(x) : zeros(x ^ 0x2020202020202020ULL);
		} else if (i < n) {
			x = tailword(s, n, i);
			b = tabs ? blanks(x) : zeros(x ^ 0x2020202020202020ULL);
			b |= HI << (8 * (n - i));       /* past the end is blank */
		} else {
			break;
		}
		st = ~b & HI & ((b << 8) | prev);
		prev = b >> 56;
		c = (int)(((st >> 7) * ONES) >> 56);
		k += c;
		before += (size_t)(k <= t);
		wst[w] = st;
		wend[w] = (uint16_t)k;
		i += 8;
		w++;
	}
	*nw = w;
	*wt = before;
	return k;
}

/* at -- the offset of field t, which is in word w */
static inline size_t
at(size_t w, int t)
{
	uint64_t rank = (uint64_t)(t - (w ? wend[w - 1] : 0) + 1);
	uint64_t m = zeros(((wst[w] >> 7) * ONES) ^ (rank * ONES)) & wst[w];

	return 8 * w + lowbyte(m);
}

/* locate -- the offset of field t (< field count): its word found by counting */
static size_t
locate(size_t nw, int t)
{
	size_t w, wi = 0;

	for (w = nw; w % 8; w++)
		wend[w] = UINT16_MAX;
	for (w = 0; w < nw; w += 8)
		wi += (size_t)(wend[w] <= t) + (wend[w + 1] <= t) + (wend[w + 2] <= t) +
		    (wend[w + 3] <= t) + (wend[w + 4] <= t) + (wend[w + 5] <= t) +
		    (wend[w + 6] <= t) + (wend[w + 7] <= t);
	return at(wi, t);
}

static size_t
fieldlen(const char *s, size_t n, size_t p)
{
	size_t e = p;

	while (e < n && s[e] != ' ' && s[e] != '\t')
		e++;
	return e - p;
}

/* digitbytes -- 0x80 in each byte of x that is a decimal digit */
static inline uint64_t
digitbytes(uint64_t x)
{
	return ((x & L7) + 0x5050505050505050ULL) & ~((x & L7) + 0x4646464646464646ULL) & ~x & HI;
}

/* decvalue -- the value of the k (1..7) decimal digits that start x */
static inline uint64_t
decvalue(uint64_t x, size_t k)
{
	uint64_t v = (x - 0x3030303030303030ULL) << (8 * (8 - k));

	v = v * 10 + (v >> 8);
	return (((v & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32))) +
	    (((v >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32)))) >> 32;
}

/* num -- the decimal field at s+p: 0 and its value and length, or -1 when
 * it is not a short run of digits ended by a blank or the line's end (the
 * caller then looks at it byte by byte). Eight bytes at once; numat with
 * wide set reads them past the line's end, where the caller knows they
 * can be read. */
static inline int
numat(const char *s, size_t n, size_t p, int wide, uint64_t *val, size_t *len)
{
	uint64_t x, d;
	size_t k;

	x = wide || p + 8 <= n ? load8(s + p) : tailword(s, n, p);
	d = digitbytes(x);
	k = lowbyte(~d & HI);
	if (d == HI || k == 0)
		return -1;
	if (p + k < n && s[p + k] != ' ' && s[p + k] != '\t')
		return -1;
	*val = decvalue(x, k);
	*len = k;
	return 0;
}

static inline int
num(const char *s, size_t n, size_t p, uint64_t *val, size_t *len)
{
	return numat(s, n, p, 0, val, len);
}

/* fl_fmt_header -- read a header line into fmt; 0, or -1 with a reason */
int
fl_fmt_header(struct fl_fmt *fmt, const char *s, size_t n, const char **why)
{
	static struct fl_rec r;
	int i, k = splitbytes(s, n, &r);

	if (k > FL_MAXF) {
		*why = "header has too many fields";
		return -1;
	}
	for (i = 0; i < k; i++) {
		const char *f = r.f[i];
		size_t fn = r.fn[i], j;
		unwrap(&f, &fn);
		if (fn >= sizeof(fmt->names[i]))
			fn = sizeof(fmt->names[i]) - 1;
		for (j = 0; j < fn; j++)
			fmt->names[i][j] = (char)lower((unsigned char)f[j]);
		fmt->names[i][fn] = '\0';
	}
	fmt->nfields = k;
	setroles(fmt);
	if (fmt->dstport < 0) {
		*why = "header has no 'dstport' field";
		return -1;
	}
	if (fmt->protocol < 0) {
		*why = "header has no 'protocol' field";
		return -1;
	}
	return 0;
}

/* fl_fmt_select -- map the -f names to this format's fields; -1 names the missing one */
int
fl_fmt_select(struct fl_fmt *fmt, const char **missing)
{
	int i, j;

	for (i = 0; i < fmt->nsel; i++) {
		for (j = 0; j < fmt->nfields; j++)
			if (strcmp(fmt->names[j], fmt->selname[i]) == 0)
				break;
		if (j == fmt->nfields) {
			*missing = fmt->selname[i];
			return -1;
		}
		fmt->sel[i] = j;
		fmt->selkind[i] = j == fmt->dstport ? 1 : j == fmt->protocol ? 2 : 0;
	}
	fmt->measure = -1;
	if (fmt->measname) {
		for (j = 0; j < fmt->nfields; j++)
			if (strcmp(fmt->names[j], fmt->measname) == 0)
				break;
		if (j == fmt->nfields) {
			*missing = fmt->measname;
			return -1;
		}
		fmt->measure = j;
	}
	setquick(fmt);
	return 0;
}

static int
isdash(const char *s, size_t n)
{
	return n == 1 && s[0] == '-';
}

/* classify -- the rules, on a line whose key and status fields are in r */
static int
classify(const struct fl_fmt *fmt, struct fl_rec *r, int portok, int protook)
{
	uint64_t v;

	if (fmt->status >= 0) {
		const char *st = r->f[fmt->status];
		size_t sn = r->fn[fmt->status];
		if ((sn == 6 || sn == 8) &&
		    (nameeq("nodata", st, sn) || nameeq("skipdata", st, sn)))
			return FL_NODATA;
	}
	if (isdash(r->f[fmt->dstport], r->fn[fmt->dstport]) ||
	    isdash(r->f[fmt->protocol], r->fn[fmt->protocol]))
		return FL_NODATA;
	if (!portok) {
		if (fl_udec(r->f[fmt->dstport], r->fn[fmt->dstport], 65535, &v) < 0) {
			r->err = FL_EPORT;
			r->errfield = fmt->dstport;
			return FL_MALFORMED;
		}
		r->port = (unsigned)v;
	}
	if (!protook) {
		if (fl_udec(r->f[fmt->protocol], r->fn[fmt->protocol], 255, &v) < 0) {
			r->err = FL_EPROTO;
			r->errfield = fmt->protocol;
			return FL_MALFORMED;
		}
		r->proto = (unsigned)v;
	}
	return FL_FLOW;
}

static int
isheader(const char *f, size_t fn)
{
	unwrap(&f, &fn);
	return nameeq("version", f, fn);
}

/* slowparse -- every field split byte by byte: long lines, big-endian */
static int
slowparse(const struct fl_fmt *fmt, const char *s, size_t n, struct fl_rec *r)
{
	int k = splitbytes(s, n, r);

	if (k == 0 || r->f[0][0] == '#')
		return FL_SKIP;
	if (isheader(r->f[0], r->fn[0]))
		return FL_HEADER;
	if (k != fmt->nfields) {
		r->err = FL_ECOUNT;
		return FL_MALFORMED;
	}
	return classify(fmt, r, 0, 0);
}

#define SP 0x2020202020202020ULL

/* spacestarts -- the field starts in word x of a line without tabs: 0x80 on
 * each byte that is not a space and follows one; *prev carries the last
 * byte's non-spaceness (0x80 set: not a space) into the next word */
static inline uint64_t
spacestarts(uint64_t x, uint64_t *prev)
{
	uint64_t t = x ^ SP, nb, st;

	nb = (((t & L7) + L7) | t) & HI;        /* 0x80: not a space */
	st = nb & ~((nb << 8) | *prev);
	*prev = nb >> 56;
	return st;
}

/* setkey -- the end of the fast paths: the key, dstport at s+p (plen
 * bytes) and protocol at s+q (qlen), the status (the last field, "OK") and
 * the field count into r. Returns FL_FLOW. */
static inline int
setkey(const struct fl_fmt *fmt, const char *s, size_t n, size_t p, size_t plen, uint64_t port,
    size_t q, size_t qlen, uint64_t proto, struct fl_rec *r)
{
	int t = fmt->dstport;

	r->port = (unsigned)port;
	r->f[t] = s + p;
	r->fn[t] = plen;
	r->proto = (unsigned)proto;
	r->f[t + 1] = s + q;
	r->fn[t + 1] = qlen;
	if (fmt->status >= 0) {
		r->f[fmt->status] = s + n - 2;
		r->fn[fmt->status] = 2;
	}
	r->nf = fmt->nfields;
	return FL_FLOW;
}

/* takekey -- the key of a plain line whose dstport starts at s+p: it and
 * the protocol after it digits only and in range, else -1 to let the full
 * parser decide. wide: numat may read past the line's end. */
static inline int
takekey(const struct fl_fmt *fmt, const char *s, size_t n, size_t p, int wide, struct fl_rec *r)
{
	uint64_t port, proto;
	size_t q, plen, qlen;

	if (numat(s, n, p, wide, &port, &plen) < 0 || port > 65535)
		return -1;
	q = p + plen + 1;               /* s[p + plen] is the space after dstport */
	if (q >= n || s[q] == ' ' || numat(s, n, q, wide, &proto, &qlen) < 0 || proto > 255)
		return -1;
	return setkey(fmt, s, n, p, plen, port, q, qlen, proto, r);
}

/* boundkey -- takekey where the spaces after dstport (e1) and after the
 * protocol (e2) are known, single spaces (neither field empty), and eight
 * bytes can be read from each field's start */
static inline int
boundkey(const struct fl_fmt *fmt, const char *s, size_t n, size_t p, size_t e1, size_t e2,
    struct fl_rec *r)
{
	size_t plen = e1 - p, qlen = e2 - e1 - 1;
	uint64_t x = load8(s + p), y = load8(s + e1 + 1), port, proto;

	if (plen > 7 || qlen > 7)
		return -1;
	if ((~digitbytes(x) & HI & ((1ULL << (8 * plen)) - 1)) |
	    (~digitbytes(y) & HI & ((1ULL << (8 * qlen)) - 1)))
		return -1;
	port = decvalue(x, plen);
	proto = decvalue(y, qlen);
	if (port > 65535 || proto > 255)
		return -1;
	return setkey(fmt, s, n, p, plen, port, e1 + 1, qlen, proto, r);
}

/* notplain -- first bytes the fast paths leave to the full parser: a
 * blank, a comment, a header (version or $) */
static const unsigned char notplain[256] = {
	[' '] = 1, ['\t'] = 1, ['#'] = 1, ['$'] = 1, ['v'] = 1, ['V'] = 1,
};

/* plainedges -- what the fast paths ask of a line's ends: a first byte
 * that starts no comment, header or blank, and "OK" as its last field
 * when the format has log-status (last), else a last byte not a space */
static inline int
plainedges(const struct fl_fmt *fmt, const char *s, size_t n)
{
	uint32_t e;

	if (n < 4 || notplain[(unsigned char)s[0]])
		return 0;
	if (fmt->status < 0)
		return s[n - 1] != ' ';
	memcpy(&e, s + n - 4, 4);
	return e >> 8 == (' ' | 'O' << 8 | 'K' << 16);
}

/* quick -- the fast path for a plain flow line: single spaces around the
 * key, a digits-only dstport and protocol, log-status "OK" (or none). Returns
 * FL_FLOW with the key in r, or -1 to let the full parser decide; it never
 * decides anything else. The caller has made sure there is no tab.
 * Two passes over the words of the line, without storing anything: up to
 * the word holding field t, counting the field starts word by word; after
 * it, only summing them per byte lane. */
static inline int
quick(const struct fl_fmt *fmt, const char *s, size_t n, struct fl_rec *r)
{
	uint64_t prev = 0, st, st1, c, c0, acc;
	size_t nw = n / 8, w, p;
	int k = 0, kt, t = fmt->dstport;

	if (n > 8 * 255 || !plainedges(fmt, s, n))
		return -1;
	/* the words up to field t's, two at a time: their starts counted */
	for (w = 0;; w += 2) {
		if (w + 2 > nw)
			return -1;      /* field t near the end of the line: rare */
		st = spacestarts(load8(s + 8 * w), &prev);
		st1 = spacestarts(load8(s + 8 * w + 8), &prev);
		c = (((st >> 7) + (st1 >> 7)) * ONES) >> 56;
		if (k + (int)c > t)
			break;
		k += (int)c;
	}
	/* field t starts in word w or w + 1 */
	c0 = ((st >> 7) * ONES) >> 56;
	kt = k;
	if (k + (int)c0 <= t) {
		kt += (int)c0;
		st = st1;
		p = 8;
	} else {
		p = 0;
	}
	p += 8 * w + lowbyte(zeros(((st >> 7) * ONES) ^ ((uint64_t)(t - kt + 1) * ONES)) & st);
	k += (int)c;
	/* the rest: only the number of starts, summed per byte lane */
	acc = 0;
	for (w += 2; w + 2 <= nw; w += 2) {
		acc += spacestarts(load8(s + 8 * w), &prev) >> 7;
		acc += spacestarts(load8(s + 8 * w + 8), &prev) >> 7;
	}
	if (w < nw)
		acc += spacestarts(load8(s + 8 * w), &prev) >> 7;
	if (n % 8)
		acc += spacestarts(tailword(s, n, 8 * nw) | (SP << (8 * (n % 8))), &prev) >> 7;
	acc = (acc & 0x00ff00ff00ff00ffULL) + ((acc >> 8) & 0x00ff00ff00ff00ffULL);
	k += (int)((acc * 0x0001000100010001ULL) >> 48);
	if (k != fmt->nfields)
		return -1;
	return takekey(fmt, s, n, p, 0, r);
}

/* lead -- 1 in the first 128 bytes, 0 in the rest: lead + 128 - n is 1 for
 * the first n bytes of a line */
static const unsigned char lead[256] = {
#define L8 1, 1, 1, 1, 1, 1, 1, 1
	L8, L8, L8, L8, L8, L8, L8, L8, L8, L8, L8, L8, L8, L8, L8, L8,
#undef L8
};

/* ctz -- the index of the lowest set bit of m (not 0): the compiler's
 * instruction, else by a de Bruijn sequence (the sanitizer build takes
 * this way, so the tests run it) */
static inline int
ctz(uint64_t m)
{
#if (defined(__GNUC__) || defined(__clang__)) && !defined(FL_NO_BUILTIN)
	return __builtin_ctzll(m);
#else
	static const unsigned char db[64] = {
		0, 1, 2, 53, 3, 7, 54, 27, 4, 38, 41, 8, 34, 55, 48, 28,
		62, 5, 39, 46, 44, 42, 22, 9, 24, 35, 59, 56, 49, 18, 29, 11,
		63, 52, 6, 26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
		51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
	};

	return db[((m & (~m + 1)) * 0x022fdd63cc95386dULL) >> 58];
#endif
}

/* quickshort -- quick for a line of 32..127 bytes with 136 bytes readable
 * from s. A loop of fixed length over bytes, which compilers turn into
 * vector code, marks the spaces of all 128 bytes, and counts those of the
 * line and the pairs in a row among them: with single spaces and none
 * first or last, the fields are the spaces plus one. Field t starts after
 * the t-th space, found in a bit mask of the spaces of bytes 32..95 (it is
 * there in the usual records); the next two spaces end dstport and
 * protocol, so the two numbers are read side by side. The marks are not cut
 * at the line's end, so that the key does not wait for the line's length:
 * marks past the end are the next line's, after all of this line's. */
static inline int
quickshort(const struct fl_fmt *fmt, const char *s, size_t n, struct fl_rec *r)
{
	const unsigned char *u = (const unsigned char *)s, *in = lead + 128 - n;
	unsigned char a[128], cnt = 0, dbl = 0, c32 = 0;
	uint64_t m = 0, m1, m2;
	size_t p;
	int i, k, t = fmt->dstport;

	if (!plainedges(fmt, s, n))
		return -1;
	for (i = 0; i < 128; i++) {
		unsigned char x = u[i] == ' ', y = u[i + 1] == ' ';
		a[i] = x;
		cnt += x & in[i];
		dbl |= x & y & in[i + 1];
	}
	if (dbl || cnt + 1 != fmt->nfields)
		return -1;
	for (i = 0; i < 32; i++)
		c32 += a[i];
	for (i = 0; i < 8; i++)
		m |= ((load8((const char *)a + 32 + 8 * i) * 0x0102040810204080ULL) >> 56) << (8 * i);
	/* the (t - c32)-th space of the mask; elsewhere, quick finds it */
	if ((k = t - c32) < 1)
		return quick(fmt, s, n, r);
	while (--k > 0)
		m &= m - 1;
	if (m == 0)
		return quick(fmt, s, n, r);
	p = (size_t)(32 + ctz(m) + 1);
	m1 = m & (m - 1);
	m2 = m1 & (m1 - 1);
	/* protocol the last field, or its end past byte 95: numat finds it */
	if (m1 == 0 || m2 == 0 || (size_t)(32 + ctz(m2)) >= n)
		return takekey(fmt, s, n, p, 1, r);
	return boundkey(fmt, s, n, p, (size_t)(32 + ctz(m1)), (size_t)(32 + ctz(m2)), r);
}

/* fast -- the fast path for a line without a tab and room bytes readable
 * from s: quickshort for a line of 32..127 bytes with room after it, else
 * quick (in a shorter line field t starts before byte 32, where quickshort
 * would hand it to quick after its loop) */
static inline int
fast(const struct fl_fmt *fmt, const char *s, size_t n, size_t room, struct fl_rec *r)
{
	if (n >= 32 && n <= 127 && room >= 136)
		return quickshort(fmt, s, n, r);
	return quick(fmt, s, n, r);
}

/* parse -- fl_parse; notab: the caller knows the line holds no tab; room:
 * the bytes that can be read from s */
static FL_INLINE int
parse(const struct fl_fmt *fmt, const char *s, size_t n, int notab, size_t room,
    struct fl_rec *r)
{
	static int le = -1;
	size_t nw, wt, p, q, first = 0;
	uint64_t v;
	int k, i, t, portok, protook;

	if (le < 0)
		le = littleendian();
	if (!le || n > 8 * (FASTWORDS - 1))
		return slowparse(fmt, s, n, r);
	t = fmt->dstport;
	if (!notab && memchr(s, '\t', n)) {
		k = scan(s, n, t, 1, &nw, &wt);
	} else {
		if (fmt->quick && fast(fmt, s, n, room, r) == FL_FLOW)
			return FL_FLOW;
		k = scan(s, n, t, 0, &nw, &wt);
	}
	r->nf = k;
	if (k == 0)
		return FL_SKIP;
	while (s[first] == ' ' || s[first] == '\t')
		first++;
	if (s[first] == '#')
		return FL_SKIP;
	if ((s[first] | 0x20) == 'v' || s[first] == '$')
		if (isheader(s + first, fieldlen(s, n, first)))
			return FL_HEADER;
	if (k != fmt->nfields) {
		r->err = FL_ECOUNT;
		return FL_MALFORMED;
	}
	r->f[0] = s + first;
	r->fn[0] = fieldlen(s, n, first);

	p = at(wt, t);
	r->f[t] = s + p;
	if ((portok = num(s, n, p, &v, &r->fn[t]) == 0 && v <= 65535))
		r->port = (unsigned)v;
	else
		r->fn[t] = fieldlen(s, n, p);

	t = fmt->protocol;
	if (t == fmt->dstport + 1) {
		for (q = p + r->fn[fmt->dstport]; s[q] == ' ' || s[q] == '\t'; q++)
			;
	} else {
		q = locate(nw, t);
	}
	r->f[t] = s + q;
	if ((protook = num(s, n, q, &v, &r->fn[t]) == 0 && v <= 255))
		r->proto = (unsigned)v;
	else
		r->fn[t] = fieldlen(s, n, q);

	if ((t = fmt->status) >= 0) {
		if (t == k - 1) {
			size_t e = n, b;
			while (s[e - 1] == ' ' || s[e - 1] == '\t')
				e--;
			for (b = e; b > 0 && s[b - 1] != ' ' && s[b - 1] != '\t'; b--)
				;
			r->f[t] = s + b;
			r->fn[t] = e - b;
		} else {
			q = locate(nw, t);
			r->f[t] = s + q;
			r->fn[t] = fieldlen(s, n, q);
		}
	}
	if ((k = classify(fmt, r, portok, protook)) != FL_FLOW)
		return k;
	for (i = 0; i <= fmt->nsel; i++) {
		t = i < fmt->nsel ? fmt->sel[i] : fmt->measure;
		if (t < 0 || t == fmt->dstport || t == fmt->protocol || t == fmt->status || t == 0)
			continue;
		q = locate(nw, t);
		r->f[t] = s + q;
		r->fn[t] = fieldlen(s, n, q);
	}
	return FL_FLOW;
}

/* quicklines -- fl_quick_lines, in its copies (FL_CLONES) */
static FL_CLONES size_t
quicklines(const struct fl_fmt *fmt, const char *s, size_t avail, size_t lim,
    uint32_t *keys, size_t max, size_t *used)
{
	struct fl_rec r;        /* only the key is kept: the rest of its stores go */
	size_t pos = 0, k = 0;

	if (fmt->quick && littleendian()) {
		while (k < max && pos < lim) {
			const char *l = s + pos, *nl = memchr(l, '\n', avail - pos);
			size_t n;
			if (!nl)
				break;
			n = (size_t)(nl - l);
			if (n == 0 || l[n - 1] == '\r')
				break;
			if (fast(fmt, l, n, avail - pos, &r) != FL_FLOW)
				break;
			keys[k++] = (uint32_t)r.proto << 16 | r.port;
			pos += n + 1;
		}
	}
	*used = pos;
	return k;
}

/* fl_quick_lines -- the plain flow lines at the start of s (avail bytes,
 * no tab among them), each ended by a newline and starting before lim: their
 * keys (protocol << 16 | port) into keys, at most max of them. Stops at the
 * first line the fast path cannot decide; *used is the bytes taken. */
size_t
fl_quick_lines(const struct fl_fmt *fmt, const char *s, size_t avail, size_t lim,
    uint32_t *keys, size_t max, size_t *used)
{
	return quicklines(fmt, s, avail, lim, keys, max, used);
}

/* fl_parse -- classify one line (without its newline) and take its key;
 * r->f and r->fn are set for the key, the status and the -f fields */
int
fl_parse(const struct fl_fmt *fmt, const char *s, size_t n, struct fl_rec *r)
{
	return parse(fmt, s, n, 0, 0, r);
}

/* parsenotab -- fl_parse_notab, in its copies (FL_CLONES), with the fast
 * path inlined whole (FL_FLATTEN) so that it is in each copy too */
static FL_CLONES FL_FLATTEN int
parsenotab(const struct fl_fmt *fmt, const char *s, size_t n, size_t room, struct fl_rec *r)
{
	return parse(fmt, s, n, 1, room, r);
}

/* fl_parse_notab -- fl_parse on a line the caller knows has no tab, with
 * room bytes readable from s (the line, its newline and what follows it in
 * the buffer): with 136 or more a short line takes quickshort */
int
fl_parse_notab(const struct fl_fmt *fmt, const char *s, size_t n, size_t room, struct fl_rec *r)
{
	return parsenotab(fmt, s, n, room, r);
}
