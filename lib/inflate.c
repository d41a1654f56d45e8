/* inflate.c -- gzip members (RFC 1952) of deflate data (RFC 1951), decoded
 * straight into the caller's buffer.
 *
 * The bits come least significant first through a 64-bit buffer. A fast
 * loop runs while IMARGIN bytes of input and OMARGIN bytes of output room
 * remain: it refills the bit buffer a word at a time without a test,
 * decodes one or two literals with one table look-up, and copies matches 8
 * or 16 bytes at a time, writing past a match's end into the room it
 * keeps. Near either end a careful path takes one symbol at a time. Past
 * the end of the input it reads zero bits and counts them: a step that
 * used one is a truncated member. Only the output room suspends a call;
 * input is pulled from the source whenever it is wanted. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "inflate.h"

/* LBITS, DBITS -- index bits of the first-level literal/length and
 * distance tables; longer codes go on to a second level sized for the
 * longest code, so the arrays bound every table a block can ask for */
#define LBITS 11
#define DBITS 8
#define LMASK ((1u << LBITS) - 1)
#define DMASK ((1u << DBITS) - 1)
#define LSIZE ((1 << LBITS) + 288 * (1 << (15 - LBITS)))
#define DSIZE ((1 << DBITS) + 32 * (1 << (15 - DBITS)))
#define CBITS 7                 /* the code length code: 7 bits at most */

/* IMARGIN -- input the fast loop may read ahead in one turn: two 8-byte
 * refills and the word the second one loads; OMARGIN -- output room one
 * turn may write into: three literal pairs, a 258-byte match and the 16
 * bytes a word copy runs past it */
#define IBUFSZ 65536
#define IMARGIN 32
#define OMARGIN 320
/* CRCSTEP -- new output is summed in pieces this size, while in cache */
#define CRCSTEP 65536

/* a table entry: bits 0-7 the bits it uses in all (codes and extra bits);
 * 8-11 the code's length, where extra bits start (a literal entry: how
 * many literals, 1 or 2; a second-level pointer: its index bits); 12-15
 * the kind; 16-31 the value: literals (the first in 16-23), the base of a
 * length or distance, or where the second level starts */
#define E_ERR 0x1000u           /* no symbol: an unused code, 286, 287, 30, 31 */
#define E_EOB 0x2000u
#define E_SUB 0x4000u
#define E_LIT 0x8000u

enum { S_HEAD, S_BLOCK, S_STORED, S_HUFF, S_TRAIL, S_NEXT, S_DONE, S_FAIL };
enum { SUSPEND = 2 };           /* a step that wants output room */

struct fl_gz {
	fl_gz_readfn *rd;
	void *ctx;
	unsigned char *buf;     /* NULL for fl_gunzip's input in memory */
	size_t bufsz;
	const unsigned char *ibase, *in, *iend;
	uint64_t inoff;         /* the offset in the input of ibase[0] */
	uint64_t taken;         /* the input's bytes so far */
	int eof;
	uint64_t bb;            /* the bit buffer: bc bits, then maybe junk */
	unsigned bc;
	unsigned virt;          /* zero bytes put in bb past the end of input */
	int state, last, fixed, members;
	uint32_t crc;           /* of the member's output before ocrc */
	uint64_t msize;         /* the member's output before ocrc */
	size_t left;            /* of a stored block */
	unsigned mlen, mdist;   /* of a match cut short by the end of the room */
	/* the output of the current call */
	unsigned char *obase, *op, *oend;
	unsigned char *ocrc;    /* new output from here is not summed yet */
	unsigned char *wlo;     /* the lowest byte a match may copy */
	const char *err;
	char msg[96];
	unsigned char lens[288 + 32];
	uint32_t lt[LSIZE];
	uint32_t dt[DSIZE];
};

static const unsigned short lbase[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const unsigned char lextra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const unsigned short dbase[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577
};
static const unsigned char dextra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
};

static inline uint64_t
le64(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
#else
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
#endif
}

static inline void
put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static inline void
copy8(unsigned char *d, const unsigned char *s)
{
	uint64_t v;

	memcpy(&v, s, 8);
	memcpy(d, &v, 8);
}

static inline uint64_t
lowbits(uint64_t v, unsigned n)
{
	return v & ((UINT64_C(1) << n) - 1);
}

/* --- input --- */

/* readmore -- the unread input to the front of the buffer, then one read
 * from the source after it; 0 (eof set at the end), -1 on a read error */
static int
readmore(struct fl_gz *z)
{
	size_t rest = (size_t)(z->iend - z->in);
	long n;

	if (z->eof)
		return 0;
	memmove(z->buf, z->in, rest);
	z->inoff += (uint64_t)(z->in - z->ibase);
	z->ibase = z->in = z->buf;
	z->iend = z->buf + rest;
	n = z->rd(z->ctx, z->buf + rest, z->bufsz - rest);
	if (n < 0 || (unsigned long)n > z->bufsz - rest) {
		if (n >= 0)
			errno = EIO;
		z->err = NULL;
		z->state = S_FAIL;
		return -1;
	}
	if (n == 0)
		z->eof = 1;
	z->iend += n;
	z->taken += (uint64_t)n;
	return 0;
}

/* bitpos -- the input's bits used so far; not after a truncation */
static uint64_t
bitpos(const struct fl_gz *z)
{
	return (z->inoff + (uint64_t)(z->in - z->ibase)) * 8 - (z->bc - 8 * z->virt);
}

static int
overrun(const struct fl_gz *z)
{
	return z->bc < 8 * z->virt;
}

/* fail -- the error what at byte at; but a step that ran past the end of
 * the input says so, whatever its bits then seemed to mean */
static int
fail(struct fl_gz *z, const char *what, uint64_t at)
{
	if (overrun(z) || (z->eof && at > z->taken)) {
		what = "truncated member";
		at = z->taken;
	}
	snprintf(z->msg, sizeof z->msg, "%s at byte %llu", what, (unsigned long long)at);
	z->err = z->msg;
	z->state = S_FAIL;
	return -1;
}

/* here -- the byte holding the last bit used */
static uint64_t
here(const struct fl_gz *z)
{
	uint64_t b = bitpos(z);

	return b ? (b - 1) / 8 : 0;
}

static int
truncated(struct fl_gz *z)
{
	return fail(z, "truncated member", z->taken);
}

/* srefill -- at least 56 bits in bb, zeros past the end of the input */
static int
srefill(struct fl_gz *z)
{
	z->bb = z->bc ? z->bb & (~UINT64_C(0) >> (64 - z->bc)) : 0;
	while (z->bc < 56) {
		if (z->in == z->iend) {
			if (!z->eof) {
				if (readmore(z) < 0)
					return -1;
				continue;
			}
			z->virt++;
		} else {
			z->bb |= (uint64_t)*z->in++ << z->bc;
		}
		z->bc += 8;
	}
	return 0;
}

/* getbits -- n <= 32 bits for the careful paths; truncation is found by
 * the caller's use of fail or overrun */
static int
getbits(struct fl_gz *z, unsigned n, unsigned *v)
{
	if (z->bc < n && srefill(z) < 0)
		return -1;
	*v = (unsigned)lowbits(z->bb, n);
	z->bb >>= n;
	z->bc -= n;
	return 0;
}

/* getbyte -- the next whole byte, on a byte boundary; -1 at the end of
 * the input, -2 on a read error */
static int
getbyte(struct fl_gz *z)
{
	int c;

	if (z->bc >= 8) {
		if (z->bc - 8 < 8 * z->virt)
			return -1;
		c = (int)(z->bb & 0xff);
		z->bb >>= 8;
		z->bc -= 8;
		return c;
	}
	while (z->in == z->iend) {
		if (z->eof)
			return -1;
		if (readmore(z) < 0)
			return -2;
	}
	return *z->in++;
}

/* getle -- n bytes, little-endian, into *v; a member's bytes */
static int
getle(struct fl_gz *z, int n, uint32_t *v)
{
	int i, c;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((c = getbyte(z)) < 0)
			return c == -1 ? truncated(z) : -1;
		*v |= (uint32_t)c << (8 * i);
	}
	return 0;
}

static void
align(struct fl_gz *z)
{
	z->bb >>= z->bc & 7;
	z->bc &= ~7u;
}

/* --- output --- */

/* sumout -- the CRC and size of the member taken on over its new output */
static void
sumout(struct fl_gz *z)
{
	size_t n = (size_t)(z->op - z->ocrc);

	z->crc = fl_crc32(z->crc, z->ocrc, n);
	z->msize += n;
	z->ocrc = z->op;
}

/* farmatch -- a distance past wlo: past the member's start, or past what
 * the caller kept of it */
static int
farmatch(struct fl_gz *z, unsigned dist)
{
	if (dist <= z->msize + (uint64_t)(z->op - z->ocrc))
		return fail(z, "distance beyond the window kept by the caller", here(z));
	return fail(z, "distance beyond the data seen", here(z));
}

/* copyslow -- the pending match, as much as the room takes */
static int
copyslow(struct fl_gz *z)
{
	size_t room = (size_t)(z->oend - z->op);
	unsigned n = z->mlen < room ? z->mlen : (unsigned)room;
	unsigned char *op = z->op;
	const unsigned char *src = op - z->mdist;

	z->mlen -= n;
	while (n--)
		*op++ = *src++;
	z->op = op;
	return z->mlen ? SUSPEND : 0;
}

/* --- tables --- */

/* build -- the table of a canonical Huffman code (RFC 1951, 3.2.2) from
 * the code lengths of n symbols, each entry made by entry() for its
 * symbol and length; 0, or -1 with the fault in *why.
 *
 * An incomplete code is refused with the exceptions zlib makes: for
 * literals/lengths and distances (gaps > 0), a code of a single symbol of
 * length 1; for distances (gaps > 1), no code at all. A valid encoder may
 * code a block with one distance, or with literals alone, so; a code of
 * one literal/length symbol can only be the end-of-block code of an empty
 * block, harmless. Any other gap, and any in the code length code, is
 * damage. The unused half of a one-symbol code, and every entry of an
 * empty one, is E_ERR, so data that uses it is an error when decoded. */
typedef uint32_t entryfn(unsigned sym, unsigned len);

static int
build(uint32_t *t, unsigned tbits, const unsigned char *lens, unsigned n, entryfn *entry,
    int gaps, const char **why)
{
	unsigned count[16], offs[16], sorted[288];
	unsigned s, l, i, maxlen = 0, ncodes, code, curlen, prefix, subbits, step;
	uint32_t e, next = 1u << tbits, sub = 0;
	int left = 1;

	memset(count, 0, sizeof count);
	for (s = 0; s < n; s++)
		count[lens[s]]++;
	ncodes = n - count[0];
	for (l = 1; l < 16; l++) {
		left = 2 * left - (int)count[l];
		if (left < 0) {
			*why = "oversubscribed code";
			return -1;
		}
		if (count[l])
			maxlen = l;
	}
	if (left > 0) {
		if (!(gaps > 0 && ncodes == 1 && count[1] == 1) && !(gaps > 1 && ncodes == 0)) {
			*why = "incomplete code";
			return -1;
		}
		for (i = 0; i < 1u << tbits; i++)
			t[i] = E_ERR | 1;
	}
	offs[1] = 0;
	for (l = 1; l < 15; l++)
		offs[l + 1] = offs[l] + count[l];
	for (s = 0; s < n; s++)
		if (lens[s])
			sorted[offs[lens[s]]++] = s;

	/* codes in canonical order: left-aligned they increase, so those
	 * sharing a first-level prefix come together */
	code = 0;
	curlen = 0;
	prefix = ~0u;
	subbits = maxlen > tbits ? maxlen - tbits : 0;
	for (i = 0; i < ncodes; i++) {
		unsigned rev = 0, c;

		s = sorted[i];
		l = lens[s];
		code <<= l - curlen;
		curlen = l;
		for (c = code, rev = 0, step = 0; step < l; step++, c >>= 1)
			rev = rev << 1 | (c & 1);
		code++;
		e = entry(s, l);
		if (l <= tbits) {
			for (step = rev; step < 1u << tbits; step += 1u << l)
				t[step] = e;
			continue;
		}
		if ((rev & ((1u << tbits) - 1)) != prefix) {
			prefix = rev & ((1u << tbits) - 1);
			sub = next;
			next += 1u << subbits;
			t[prefix] = E_SUB | subbits << 8 | sub << 16;
		}
		for (step = rev >> tbits; step < 1u << subbits; step += 1u << (l - tbits))
			t[sub + step] = e;
	}
	return 0;
}

static uint32_t
litentry(unsigned sym, unsigned len)
{
	if (sym < 256)
		return E_LIT | 1u << 8 | sym << 16 | len;
	if (sym == 256)
		return E_EOB | len;
	if (sym > 285)
		return E_ERR | len;
	sym -= 257;
	return (uint32_t)lbase[sym] << 16 | len << 8 | (len + lextra[sym]);
}

static uint32_t
distentry(unsigned sym, unsigned len)
{
	if (sym > 29)
		return E_ERR | len;
	return (uint32_t)dbase[sym] << 16 | len << 8 | (len + dextra[sym]);
}

static uint32_t
clentry(unsigned sym, unsigned len)
{
	return sym << 16 | len;
}

/* pairlits -- first-level literal entries that leave room for a whole
 * second literal code take it too (none can where two of the shortest
 * literal codes are longer than LBITS, as in the fixed code). Downwards,
 * so the entry read for the second (at a lower index) is still a single
 * one. */
static void
pairlits(uint32_t *t, const unsigned char *lens)
{
	unsigned i, l1, min = 15;
	uint32_t e, e2;

	for (i = 0; i < 256; i++)
		if (lens[i] && lens[i] < min)
			min = lens[i];
	if (2 * min > LBITS)
		return;
	for (i = 1u << LBITS; i-- > 0;) {
		e = t[i];
		if (!(e & E_LIT))
			continue;
		l1 = e & 0xff;
		e2 = t[i >> l1];
		if ((e2 & E_LIT) && (e2 & 0xff) <= LBITS - l1)
			t[i] = E_LIT | 2u << 8 | (l1 + (e2 & 0xff)) |
			    ((e >> 16) & 0xff) << 16 | ((e2 >> 16) & 0xff) << 24;
	}
}

static int
fixedtables(struct fl_gz *z)
{
	const char *why;
	unsigned i;

	if (z->fixed)
		return 0;
	for (i = 0; i < 288; i++)
		z->lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	for (i = 0; i < 32; i++)
		z->lens[288 + i] = 5;
	if (build(z->lt, LBITS, z->lens, 288, litentry, 1, &why) < 0 ||
	    build(z->dt, DBITS, z->lens + 288, 32, distentry, 2, &why) < 0)
		return fail(z, why, here(z));       /* cannot happen */
	pairlits(z->lt, z->lens);
	z->fixed = 1;
	return 0;
}

/* dyntables -- the code lengths of a dynamic block (RFC 1951, 3.2.7) and
 * its tables */
static int
dyntables(struct fl_gz *z)
{
	static const unsigned char order[19] = {
		16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
	};
	unsigned char cl[19], lens[288 + 32];
	uint32_t ct[1 << CBITS], e;
	unsigned hlit, hdist, hclen, i, n, v, sym, rep, prev;
	const char *why;

	z->fixed = 0;
	if (getbits(z, 14, &v) < 0)
		return -1;
	hlit = (v & 31) + 257;
	hdist = ((v >> 5) & 31) + 1;
	hclen = (v >> 10) + 4;
	if (hlit > 286 || hdist > 30)
		return fail(z, "too many length or distance codes", here(z));
	memset(cl, 0, sizeof cl);
	for (i = 0; i < hclen; i++) {
		if (getbits(z, 3, &v) < 0)
			return -1;
		cl[order[i]] = (unsigned char)v;
	}
	if (overrun(z))
		return truncated(z);
	if (build(ct, CBITS, cl, 19, clentry, 0, &why) < 0)
		return fail(z, why, here(z));
	n = 0;
	while (n < hlit + hdist) {
		if (z->bc < 16 && srefill(z) < 0)
			return -1;
		e = ct[z->bb & ((1u << CBITS) - 1)];
		z->bb >>= e & 0xff;
		z->bc -= e & 0xff;
		if (overrun(z))
			return truncated(z);
		sym = e >> 16;
		if (sym < 16) {
			lens[n++] = (unsigned char)sym;
			continue;
		}
		if (sym == 16) {
			if (n == 0)
				return fail(z, "code lengths repeat before the first", here(z));
			prev = lens[n - 1];
			if (getbits(z, 2, &rep) < 0)
				return -1;
			rep += 3;
		} else {
			prev = 0;
			if (getbits(z, sym == 17 ? 3 : 7, &rep) < 0)
				return -1;
			rep += sym == 17 ? 3 : 11;
		}
		if (n + rep > hlit + hdist)
			return fail(z, "too many code lengths", here(z));
		while (rep--)
			lens[n++] = (unsigned char)prev;
	}
	if (overrun(z))
		return truncated(z);
	if (lens[256] == 0)
		return fail(z, "no end-of-block code", here(z));
	memset(z->lens, 0, sizeof z->lens);
	memcpy(z->lens, lens, hlit);
	memcpy(z->lens + 288, lens + hlit, hdist);
	if (build(z->lt, LBITS, z->lens, hlit, litentry, 1, &why) < 0 ||
	    build(z->dt, DBITS, z->lens + 288, hdist, distentry, 2, &why) < 0)
		return fail(z, why, here(z));
	pairlits(z->lt, z->lens);
	return 0;
}

/* --- blocks --- */

static int
blockhead(struct fl_gz *z)
{
	unsigned v;
	uint32_t len;
	uint64_t at;

	if (getbits(z, 3, &v) < 0)
		return -1;
	if (overrun(z))
		return truncated(z);
	z->last = v & 1;
	switch (v >> 1) {
	case 0:
		align(z);
		at = bitpos(z) / 8;
		if (getle(z, 4, &len) < 0)
			return -1;
		if ((len & 0xffff) != (~len >> 16))
			return fail(z, "stored block length mismatch", at);
		z->left = len & 0xffff;
		z->state = S_STORED;
		return 0;
	case 1:
		if (fixedtables(z) < 0)
			return -1;
		break;
	case 2:
		if (dyntables(z) < 0)
			return -1;
		break;
	default:
		return fail(z, "invalid block type", here(z));
	}
	z->state = S_HUFF;
	return 0;
}

/* stored -- a stored block's bytes: 1 at its end, SUSPEND, -1 */
static int
stored(struct fl_gz *z)
{
	size_t n, room;
	int c;

	/* whole bytes still in the bit buffer first */
	while (z->left && z->bc >= 8) {
		if (z->op == z->oend)
			return SUSPEND;
		if ((c = getbyte(z)) < 0)
			return truncated(z);
		*z->op++ = (unsigned char)c;
		z->left--;
	}
	while (z->left) {
		if (z->in == z->iend) {
			if (z->eof)
				return truncated(z);
			if (readmore(z) < 0)
				return -1;
			continue;
		}
		room = (size_t)(z->oend - z->op);
		if (!room)
			return SUSPEND;
		n = (size_t)(z->iend - z->in);
		if (n > z->left)
			n = z->left;
		if (n > room)
			n = room;
		memcpy(z->op, z->in, n);
		z->op += n;
		z->in += n;
		z->left -= n;
	}
	return 1;
}

/* fast -- symbols while the margins last: 0 at a margin, 1 at the end of
 * the block, -1 on an error */
static int
fast(struct fl_gz *z)
{
	const uint32_t *lt = z->lt, *dt = z->dt;
	const unsigned char *in = z->in;
	const unsigned char *ilim = z->iend - IMARGIN;
	unsigned char *op = z->op;
	unsigned char *olim = z->oend - OMARGIN;
	const unsigned char *wlo = z->wlo;
	uint64_t bb = z->bc ? z->bb & (~UINT64_C(0) >> (64 - z->bc)) : 0;
	unsigned bc = z->bc;
	uint32_t e, d;
	unsigned len, dist = 0;
	int r = 0;

	/* stop now and then for the CRC of the output in cache */
	if (olim - z->ocrc > CRCSTEP)
		olim = z->ocrc + CRCSTEP;
#define REFILL() do { \
		bb |= le64(in) << bc; \
		in += (63 - bc) >> 3; \
		bc |= 56; \
	} while (0)
#define USE(n) do { \
		bb >>= (n); \
		bc -= (n); \
	} while (0)
	/* each turn starts with at least 56 bits and the entry of the next
	 * symbol looked up; the look-up stays good across a refill, which
	 * only adds bits above */
	REFILL();
	e = lt[bb & LMASK];
	while (in < ilim && op < olim) {
		if (e & E_LIT) {
			/* three look-ups take at most 3 * LBITS bits */
			USE(e & 0xff);
			put16(op, e >> 16);
			op += (e >> 8) & 3;
			e = lt[bb & LMASK];
			if (e & E_LIT) {
				USE(e & 0xff);
				put16(op, e >> 16);
				op += (e >> 8) & 3;
				e = lt[bb & LMASK];
				if (e & E_LIT) {
					USE(e & 0xff);
					put16(op, e >> 16);
					op += (e >> 8) & 3;
					e = lt[bb & LMASK];
				}
			}
			REFILL();
			continue;
		}
		if (e & E_SUB) {
			e = lt[(e >> 16) + (unsigned)lowbits(bb >> LBITS, (e >> 8) & 15)];
			if (e & E_LIT) {
				USE(e & 0xff);
				*op++ = (unsigned char)(e >> 16);
				REFILL();
				e = lt[bb & LMASK];
				continue;
			}
		}
		if (e & (E_EOB | E_ERR)) {
			USE(e & 0xff);
			r = e & E_EOB ? 1 : -1;
			break;
		}
		/* a match: at most 15 + 5 + 15 + 13 bits */
		len = (e >> 16) + (unsigned)(lowbits(bb, e & 0xff) >> ((e >> 8) & 15));
		USE(e & 0xff);
		d = dt[bb & DMASK];
		if (d & E_SUB)
			d = dt[(d >> 16) + (unsigned)lowbits(bb >> DBITS, (d >> 8) & 15)];
		dist = (d >> 16) + (unsigned)(lowbits(bb, d & 0xff) >> ((d >> 8) & 15));
		USE(d & 0xff);
		if ((d & E_ERR) || dist > (size_t)(op - wlo)) {
			r = d & E_ERR ? -2 : -3;
			break;
		}
		/* the next symbol's look-up, to overlap the copy */
		REFILL();
		e = lt[bb & LMASK];
		{
			const unsigned char *src = op - dist;
			unsigned char *end = op + len;

			if (dist >= 16) {
				/* 16 bytes at a time never read what this copy
				 * has yet to write; most matches take two */
				memcpy(op, src, 16);
				memcpy(op + 16, src + 16, 16);
				if (len > 32) {
					op += 32;
					src += 32;
					do {
						memcpy(op, src, 16);
						op += 16;
						src += 16;
					} while (op < end);
				}
			} else if (dist >= 8) {
				do {
					copy8(op, src);
					op += 8;
					src += 8;
				} while (op < end);
			} else if (dist == 1) {
				uint64_t v = *src * UINT64_C(0x0101010101010101);

				do {
					memcpy(op, &v, 8);
					op += 8;
				} while (op < end);
			} else {
				/* the first 8 bytes one by one, as LZ77 has
				 * them; then the pattern they hold, as many
				 * whole periods as fit in 8 bytes at a time */
				unsigned step = 8 - 8 % dist, i;
				uint64_t v;

				for (i = 0; i < 8; i++)
					op[i] = src[i];
				memcpy(&v, op, 8);
				for (op += step; op < end; op += step)
					memcpy(op, &v, 8);
			}
			op = end;
		}
	}
#undef REFILL
#undef USE
	z->in = in;
	z->op = op;
	z->bb = bb;
	z->bc = bc;
	if (r == -1)
		return fail(z, "invalid literal/length code", here(z));
	if (r == -2)
		return fail(z, "invalid distance code", here(z));
	if (r == -3)
		return farmatch(z, dist);
	return r;
}

/* slow -- one symbol with every test: 0, 1 at the end of the block,
 * SUSPEND, -1 */
static int
slow(struct fl_gz *z)
{
	uint32_t e, d;
	unsigned len, dist, n;
	size_t room = (size_t)(z->oend - z->op);

	if (srefill(z) < 0)
		return -1;
	e = z->lt[z->bb & LMASK];
	if (e & E_SUB)
		e = z->lt[(e >> 16) + (unsigned)lowbits(z->bb >> LBITS, (e >> 8) & 15)];
	if (e & E_LIT) {
		if (!room)
			return SUSPEND;
		n = (e >> 8) & 3;
		if (n == 2 && room < 2) {
			n = 1;
			e = (e & ~0xffu) | z->lens[(e >> 16) & 0xff];
		}
		z->bb >>= e & 0xff;
		z->bc -= e & 0xff;
		if (overrun(z))
			return truncated(z);
		z->op[0] = (unsigned char)(e >> 16);
		if (n == 2)
			z->op[1] = (unsigned char)(e >> 24);
		z->op += n;
		return 0;
	}
	if (e & (E_EOB | E_ERR)) {
		z->bb >>= e & 0xff;
		z->bc -= e & 0xff;
		if (e & E_EOB)
			return overrun(z) ? truncated(z) : 1;
		return fail(z, "invalid literal/length code", here(z));
	}
	len = (e >> 16) + (unsigned)(lowbits(z->bb, e & 0xff) >> ((e >> 8) & 15));
	z->bb >>= e & 0xff;
	z->bc -= e & 0xff;
	d = z->dt[z->bb & DMASK];
	if (d & E_SUB)
		d = z->dt[(d >> 16) + (unsigned)lowbits(z->bb >> DBITS, (d >> 8) & 15)];
	dist = (d >> 16) + (unsigned)(lowbits(z->bb, d & 0xff) >> ((d >> 8) & 15));
	z->bb >>= d & 0xff;
	z->bc -= d & 0xff;
	if (d & E_ERR)
		return fail(z, "invalid distance code", here(z));
	if (overrun(z))
		return truncated(z);
	if (dist > (size_t)(z->op - z->wlo))
		return farmatch(z, dist);
	z->mlen = len;
	z->mdist = dist;
	return copyslow(z);
}

/* huff -- a Huffman block's symbols: 1 at its end, SUSPEND, -1 */
static int
huff(struct fl_gz *z)
{
	int r;

	for (;;) {
		if (z->mlen && (r = copyslow(z)) != 0)
			return r;
		if (!z->eof && z->iend - z->in <= IMARGIN) {
			if (readmore(z) < 0)
				return -1;
			continue;
		}
		if (z->iend - z->in > IMARGIN && z->oend - z->op > OMARGIN) {
			if ((r = fast(z)) != 0)
				return r;
			if (z->op - z->ocrc >= CRCSTEP)
				sumout(z);
			continue;
		}
		if ((r = slow(z)) != 0)
			return r;
	}
}

/* --- members --- */

/* header -- a member's header (RFC 1952, 2.3); the magic is read */
static int
header(struct fl_gz *z, uint64_t at)
{
	unsigned char h[10];
	uint32_t hcrc, v;
	int c, i, flg;

	h[0] = 0x1f;
	h[1] = 0x8b;
	for (i = 2; i < 10; i++) {
		if ((c = getbyte(z)) < 0)
			return c == -1 ? truncated(z) : -1;
		h[i] = (unsigned char)c;
	}
	if (h[2] != 8)
		return fail(z, "unknown compression method", at + 2);
	flg = h[3];
	if (flg & 0xe0)
		return fail(z, "reserved header flags", at + 3);
	hcrc = fl_crc32(0, h, 10);
	if (flg & 4) {
		if (getle(z, 2, &v) < 0)
			return -1;
		h[0] = (unsigned char)v;
		h[1] = (unsigned char)(v >> 8);
		hcrc = fl_crc32(hcrc, h, 2);
		while (v--) {
			if ((c = getbyte(z)) < 0)
				return c == -1 ? truncated(z) : -1;
			h[0] = (unsigned char)c;
			hcrc = fl_crc32(hcrc, h, 1);
		}
	}
	for (i = 8; i <= 16; i += 8) {
		if (!(flg & i))
			continue;
		do {
			if ((c = getbyte(z)) < 0)
				return c == -1 ? truncated(z) : -1;
			h[0] = (unsigned char)c;
			hcrc = fl_crc32(hcrc, h, 1);
		} while (c);
	}
	if (flg & 2) {
		at = bitpos(z) / 8;
		if (getle(z, 2, &v) < 0)
			return -1;
		if (v != (hcrc & 0xffff))
			return fail(z, "bad header CRC", at);
	}
	z->crc = 0;
	z->msize = 0;
	z->ocrc = z->wlo = z->op;
	z->members++;
	z->state = S_BLOCK;
	return 0;
}

static int
trailer(struct fl_gz *z)
{
	uint64_t at;
	uint32_t crc, isize;

	sumout(z);
	align(z);
	at = bitpos(z) / 8;
	if (getle(z, 4, &crc) < 0 || getle(z, 4, &isize) < 0)
		return -1;
	if (crc != z->crc)
		return fail(z, "bad CRC-32", at);
	if (isize != (uint32_t)z->msize)
		return fail(z, "bad length (ISIZE)", at + 4);
	z->state = S_NEXT;
	return 0;
}

/* next -- after a member: the end, another member, or zeros to the end
 * (gzip ignores such padding, as tape blocks leave it) */
static int
next(struct fl_gz *z)
{
	uint64_t at = bitpos(z) / 8;
	int c;

	if ((c = getbyte(z)) == -2)
		return -1;
	if (c == 0x1f) {
		if ((c = getbyte(z)) == -2)
			return -1;
		if (c == -1)
			return truncated(z);
		if (c != 0x8b)
			return fail(z, "trailing garbage", at);
		return header(z, at);
	}
	while (c == 0) {
		at++;
		if ((c = getbyte(z)) == -2)
			return -1;
	}
	if (c != -1)
		return fail(z, "trailing garbage", at);
	z->state = S_DONE;
	return 0;
}

/* first -- the first member's magic, then its header */
static int
first(struct fl_gz *z)
{
	static const unsigned char magic[2] = { 0x1f, 0x8b };
	int c, i;

	for (i = 0; i < 2; i++) {
		if ((c = getbyte(z)) == -2)
			return -1;
		if (c == -1)
			return truncated(z);
		if (c != magic[i])
			return fail(z, "not a gzip member", 0);
	}
	return header(z, 0);
}

/* run -- the input on into the output until the room is wanted, the end,
 * or an error: SUSPEND, 0 at the end, -1 */
static int
run(struct fl_gz *z)
{
	int r;

	for (;;) {
		switch (z->state) {
		case S_HEAD: r = first(z); break;
		case S_BLOCK: r = blockhead(z); break;
		case S_STORED:
		case S_HUFF:
			r = z->state == S_STORED ? stored(z) : huff(z);
			if (r == 1) {
				z->state = z->last ? S_TRAIL : S_BLOCK;
				r = 0;
			}
			break;
		case S_TRAIL: r = trailer(z); break;
		case S_NEXT: r = next(z); break;
		case S_DONE: return 0;
		default: return -1;
		}
		if (r)
			return r;
	}
}

/* start -- a call's output buffer; the member's earlier output, as much
 * as the caller kept, may be copied from */
static void
start(struct fl_gz *z, unsigned char *out, size_t pos, size_t cap)
{
	z->obase = out;
	z->op = z->ocrc = out + pos;
	z->oend = out + cap;
	z->wlo = out + pos - (z->msize < pos ? (size_t)z->msize : pos);
}

static void
init(struct fl_gz *z)
{
	memset(z, 0, offsetof(struct fl_gz, lens));
	z->state = S_HEAD;
}

struct fl_gz *
fl_gz_open(fl_gz_readfn *rd, void *ctx, const unsigned char *head, size_t nhead)
{
	struct fl_gz *z = emalloc(sizeof *z);

	init(z);
	z->rd = rd;
	z->ctx = ctx;
	z->bufsz = IBUFSZ + nhead;
	z->buf = emalloc(z->bufsz);
	if (nhead)
		memcpy(z->buf, head, nhead);
	z->ibase = z->in = z->buf;
	z->iend = z->buf + nhead;
	z->taken = nhead;
	return z;
}

void
fl_gz_close(struct fl_gz *z)
{
	if (z) {
		free(z->buf);
		free(z);
	}
}

int
fl_gz_read(struct fl_gz *z, unsigned char *out, size_t *pos, size_t cap)
{
	size_t pos0 = *pos;
	int r;

	if (z->state == S_FAIL)
		return -1;
	if (z->state == S_DONE)
		return 0;
	if (pos0 > cap) {
		z->err = "output position past the buffer's end";
		z->state = S_FAIL;
		return -1;
	}
	start(z, out, pos0, cap);
	r = run(z);
	*pos = (size_t)(z->op - out);
	if (r < 0)
		return -1;
	sumout(z);
	return *pos > pos0 || r == SUSPEND ? 1 : 0;
}

const char *
fl_gz_error(const struct fl_gz *z)
{
	return z->err;
}

int
fl_gunzip(const unsigned char *in, size_t n, unsigned char *out, size_t cap, size_t *outn,
    const char **why)
{
	static char msg[96];
	struct fl_gz *z = emalloc(sizeof *z);
	int r;

	init(z);
	z->ibase = z->in = in;
	z->iend = in + n;
	z->taken = n;
	z->eof = 1;
	start(z, out, 0, cap);
	r = run(z);
	if (r == SUSPEND) {
		snprintf(msg, sizeof msg, "output larger than %zu bytes at byte %llu", cap,
		    (unsigned long long)(overrun(z) ? n : here(z)));
		*why = msg;
		r = -1;
	} else if (r < 0) {
		snprintf(msg, sizeof msg, "%s", z->msg);
		*why = msg;
	} else {
		*outn = (size_t)(z->op - out);
	}
	free(z);
	return r < 0 ? -1 : 0;
}

uint64_t
fl_gz_inpos(const struct fl_gz *z)
{
	return z->taken;
}
