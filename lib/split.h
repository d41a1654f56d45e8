/* split.h -- inside lib/ only (fmt.c, record.c, split.c; never cmd/): a
 * line's fields. The portable byte loop is in split.c; the word-at-a-time
 * fast paths are static inline here, so that they inline into record.c's
 * parsers and into each of their copies (FL_CLONES). */
#ifndef SPLIT_H
#define SPLIT_H

#include <stdint.h>
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
 * target_clones, so there fl_parse_notab calls the baseline fast path),
 * except into those marked FL_NOINLINE. */
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(FL_NO_BUILTIN) && \
    ((defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12) || \
    (defined(__clang__) && __clang_major__ >= 14))
#define FL_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#define FL_INLINE inline __attribute__((always_inline))
#define FL_NOINLINE __attribute__((noinline))
#ifdef __clang__
#define FL_FLATTEN
#else
#define FL_FLATTEN __attribute__((flatten))
#endif
#else
#define FL_CLONES
#define FL_INLINE inline
#define FL_NOINLINE
#define FL_FLATTEN
#endif

#define HI 0x8080808080808080ULL
#define L7 0x7f7f7f7f7f7f7f7fULL
#define ONES 0x0101010101010101ULL
#define SP 0x2020202020202020ULL
#define FASTWORDS 512

/* split.c: the portable path, every field split byte by byte (header
 * lines, long lines, big-endian machines) */
int fl_splitbytes(const char *s, size_t n, struct fl_rec *r);

/* split.c: fl_stamp -- the bytes to skip before a line's record when its
 * first field is an RFC 3339 timestamp (CloudWatch Logs exports), else 0 */
size_t fl_stamp(const char *s, size_t n);

/* words -- what scan learns of a line's words: the field starts in each
 * word (0x80 bytes) and the count of fields up to the end of each word.
 * On the stack of each parse, so that threads can parse at once. */
struct words {
	uint64_t st[FASTWORDS];
	uint16_t end[FASTWORDS + 8];
};

/* names, for fmt.c and record.c */
static inline int
lower(int c)
{
	return (unsigned)c - 'A' < 26 ? c + 32 : c;
}

/* nameeq -- s (n bytes, any case) equals the lowercase name */
static inline int
nameeq(const char *name, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (name[i] == '\0' || name[i] != lower((unsigned char)s[i]))
			return 0;
	return name[n] == '\0';
}

/* unwrap -- ${name} to name */
static inline void
unwrap(const char **s, size_t *n)
{
	if (*n >= 3 && (*s)[0] == '$' && (*s)[1] == '{' && (*s)[*n - 1] == '}') {
		*s += 2;
		*n -= 3;
	}
}

static inline int
littleendian(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 1;
}

/* zeros -- 0x80 in each byte of v that is zero, exactly (no borrow) */
static inline uint64_t
zeros(uint64_t v)
{
	const uint64_t l7 = 0x7f7f7f7f7f7f7f7fULL;

	return ~(((v & l7) + l7) | v | l7);
}

/* blanks -- 0x80 in each byte that is a space or a tab */
static inline uint64_t
blanks(uint64_t w)
{
	return zeros(w ^ 0x2020202020202020ULL) | zeros(w ^ 0x0909090909090909ULL);
}

/* lowbyte -- the index of the lowest byte with its top bit set in m */
static inline size_t
lowbyte(uint64_t m)
{
	return (size_t)((((m & (~m + 1)) >> 7) * 0x0001020304050607ULL) >> 56);
}

static inline uint64_t
load8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* tailword -- the last n-i (< 8) bytes of the line from s+i, zero above */
static inline uint64_t
tailword(const char *s, size_t n, size_t i)
{
	uint64_t x = 0;

	if (n >= 8)
		return load8(s + n - 8) >> (8 * (8 - (n - i)));
	memcpy(&x, s + i, n - i);
	return x;
}

/* scan -- count the fields, eight bytes at a time: a byte starts a field
 * when it is not blank and the byte before it is. Also counts the words
 * before the one holding field t, without a branch: where a field falls
 * changes from line to line, and a mispredicted branch costs more than the
 * whole word. tabs is a constant at each call: one loop for lines with tabs,
 * a cheaper one for lines without. */
static inline int
scan(const char *s, size_t n, int t, int tabs, struct words *wd, size_t *nw, size_t *wt)
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
		wd->st[w] = st;
		wd->end[w] = (uint16_t)k;
		i += 8;
		w++;
	}
	*nw = w;
	*wt = before;
	return k;
}

/* at -- the offset of field t, which is in word w */
static inline size_t
at(const struct words *wd, size_t w, int t)
{
	uint64_t rank = (uint64_t)(t - (w ? wd->end[w - 1] : 0) + 1);
	uint64_t m = zeros(((wd->st[w] >> 7) * ONES) ^ (rank * ONES)) & wd->st[w];

	return 8 * w + lowbyte(m);
}

/* stamp -- fl_stamp, asked only where its fifth byte is '-' or the line
 * starts with a blank */
static inline size_t
stamp(const char *s, size_t n)
{
	if (n < 20 || (s[4] != '-' && s[0] != ' ' && s[0] != '\t'))
		return 0;
	return fl_stamp(s, n);
}

static inline size_t
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
 * that starts no comment, header or blank, a fifth byte not '-' (as in a
 * timestamp: fl_stamp; a line of another kind with it takes the full
 * parser, only slower), and "OK" as its last field when the format has
 * log-status (last), else a last byte not a space */
static inline int
plainedges(const struct fl_fmt *fmt, const char *s, size_t n)
{
	uint32_t e;

	if (n < 5 || notplain[(unsigned char)s[0]] || s[4] == '-')
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

#endif
