/* fuzz_inflate -- lib/inflate.c against a deliberately simple reference
 * written here: bits read one at a time, a canonical Huffman code decoded
 * by walking its code lengths (no tables), bytes copied one by one.
 *
 * The first input byte picks the mode, the output room and the read size:
 *   raw     the input is the gzip file;
 *   fixup   the input is a deflate stream after a gzip header; where the
 *           reference decodes it, the right CRC-32 and ISIZE follow, so
 *           mutated streams get through to the comparison of outputs;
 *   encode  the input drives a small encoder (stored, fixed and dynamic
 *           blocks with random complete codes, matches at random valid
 *           distances, header fields, members, zero padding): a valid
 *           file whose content the encoder knows.
 * Both decoders must agree: the same output, or both an error of the same
 * kind (the text before " at byte"; any error where one says "truncated
 * member", which depends on how far ahead a decoder looks). The decoder
 * reads through fl_gz_read with the room and read size picked, so calls
 * are cut at odd places, and, for some inputs (the first byte says),
 * through fl_gunzip with the output's exact size and one byte less.
 * fl_crc32 and fl_crc32_portable are compared on the input. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "inflate.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define MAXOUT (1u << 16)       /* larger outputs are decoded, not compared */

/* NOCOV -- no coverage feedback (and no comparison tracing, the bulk of
 * the run time) for the reference and the encoder: the feedback that
 * counts is the decoder's */
#if defined(__clang__) && __clang_major__ >= 13
#define NOCOV __attribute__((no_sanitize("coverage")))
#else
#define NOCOV
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
const char *__asan_default_options(void);

/* a smaller quarantine: each run frees a few hundred KB (the decoder's
 * state and input buffer), and with the default 256 MB every allocation
 * is fresh memory and page faults; a use after free within a run, or
 * within the last hundred, is still seen */
const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=32";
}
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* --- the reference --- */

NOCOV static uint32_t
refcrc(uint32_t crc, const unsigned char *p, size_t n)
{
	int k;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc >> 1 ^ (crc & 1 ? 0xEDB88320u : 0);
	}
	return ~crc;
}

struct ref {
	const unsigned char *p;
	size_t n, bit;          /* the next bit to read */
	unsigned char *out;
	size_t outn, start;     /* start: the current member's first byte */
	int big;                /* output past MAXOUT */
	jmp_buf fail;
	const char *why;
};

NOCOV static void
rfail(struct ref *r, const char *why)
{
	r->why = why;
	longjmp(r->fail, 1);
}

NOCOV static unsigned
rbits(struct ref *r, int n)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < n; i++, r->bit++) {
		if (r->bit >= 8 * r->n)
			rfail(r, "truncated member");
		v |= (unsigned)(r->p[r->bit / 8] >> (r->bit % 8) & 1) << i;
	}
	return v;
}

NOCOV static unsigned
rbyte(struct ref *r)
{
	r->bit = (r->bit + 7) / 8 * 8;
	return rbits(r, 8);
}

NOCOV static void
rput(struct ref *r, unsigned char c)
{
	if (r->outn == MAXOUT) {
		r->big = 1;
		rfail(r, "too big");
	}
	r->out[r->outn++] = c;
}

struct code {
	int count[16];
	int sym[320];
};

/* rcode -- a canonical code from lengths, with the decoder's rules: no
 * oversubscription; incomplete only as one code of length 1 (gaps > 0:
 * literals/lengths, distances) or no code at all (gaps > 1: distances) */
NOCOV static void
rcode(struct ref *r, struct code *c, const unsigned char *lens, int n, int gaps)
{
	int l, s, left = 1, ncodes = 0, offs[16];

	memset(c->count, 0, sizeof c->count);
	for (s = 0; s < n; s++)
		c->count[lens[s]]++;
	for (l = 1; l < 16; l++) {
		ncodes += c->count[l];
		left = 2 * left - c->count[l];
		if (left < 0)
			rfail(r, "oversubscribed code");
	}
	if (left > 0 && !(gaps > 0 && ncodes == 1 && c->count[1] == 1) && !(gaps > 1 && ncodes == 0))
		rfail(r, "incomplete code");
	offs[1] = 0;
	for (l = 1; l < 15; l++)
		offs[l + 1] = offs[l] + c->count[l];
	for (s = 0; s < n; s++)
		if (lens[s])
			c->sym[offs[lens[s]]++] = s;
}

/* rdecode -- one symbol: the code's bits one by one, first being the
 * first code of the current length, index where its symbols start */
NOCOV static int
rdecode(struct ref *r, const struct code *c)
{
	int code = 0, first = 0, index = 0, len;

	for (len = 1; len < 16; len++) {
		code |= (int)rbits(r, 1);
		if (code - first < c->count[len])
			return c->sym[index + code - first];
		index += c->count[len];
		first = (first + c->count[len]) << 1;
		code <<= 1;
	}
	return -1;
}

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
static const unsigned char clorder[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

NOCOV static void
rhuff(struct ref *r, const struct code *lc, const struct code *dc)
{
	int s, len, dist;

	for (;;) {
		if ((s = rdecode(r, lc)) < 0 || s > 285)
			rfail(r, "invalid literal/length code");
		if (s < 256) {
			rput(r, (unsigned char)s);
			continue;
		}
		if (s == 256)
			return;
		s -= 257;
		len = lbase[s] + (int)rbits(r, lextra[s]);
		if ((s = rdecode(r, dc)) < 0 || s > 29)
			rfail(r, "invalid distance code");
		dist = dbase[s] + (int)rbits(r, dextra[s]);
		if ((size_t)dist > r->outn - r->start)
			rfail(r, "distance beyond the data seen");
		while (len--)
			rput(r, r->out[r->outn - (size_t)dist]);
	}
}

/* rinflate -- the deflate stream at r->bit */
NOCOV static void
rinflate(struct ref *r)
{
	unsigned char lens[320], cl[19];
	struct code lc, dc, cc;
	int last, type, i, n, s, rep, hlit, hdist, hclen;
	unsigned len, nlen;

	do {
		last = (int)rbits(r, 1);
		type = (int)rbits(r, 2);
		if (type == 0) {
			len = rbyte(r);
			len |= rbyte(r) << 8;
			nlen = rbyte(r);
			nlen |= rbyte(r) << 8;
			if (len != (~nlen & 0xffff))
				rfail(r, "stored block length mismatch");
			while (len--)
				rput(r, (unsigned char)rbits(r, 8));
		} else if (type == 1) {
			for (i = 0; i < 288; i++)
				lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
			rcode(r, &lc, lens, 288, 1);
			for (i = 0; i < 32; i++)
				lens[i] = 5;
			rcode(r, &dc, lens, 32, 2);
			rhuff(r, &lc, &dc);
		} else if (type == 2) {
			hlit = (int)rbits(r, 5) + 257;
			hdist = (int)rbits(r, 5) + 1;
			hclen = (int)rbits(r, 4) + 4;
			if (hlit > 286 || hdist > 30)
				rfail(r, "too many length or distance codes");
			memset(cl, 0, sizeof cl);
			for (i = 0; i < hclen; i++)
				cl[clorder[i]] = (unsigned char)rbits(r, 3);
			rcode(r, &cc, cl, 19, 0);
			for (n = 0; n < hlit + hdist;) {
				s = rdecode(r, &cc);
				CHECK(s >= 0);  /* a complete code always decodes */
				if (s < 16) {
					lens[n++] = (unsigned char)s;
					continue;
				}
				if (s == 16 && n == 0)
					rfail(r, "code lengths repeat before the first");
				rep = s == 16 ? 3 + (int)rbits(r, 2) : s == 17 ? 3 + (int)rbits(r, 3) :
				    11 + (int)rbits(r, 7);
				if (n + rep > hlit + hdist)
					rfail(r, "too many code lengths");
				s = s == 16 ? lens[n - 1] : 0;
				while (rep--)
					lens[n++] = (unsigned char)s;
			}
			if (lens[256] == 0)
				rfail(r, "no end-of-block code");
			rcode(r, &lc, lens, hlit, 1);
			rcode(r, &dc, lens + hlit, hdist, 2);
			rhuff(r, &lc, &dc);
		} else {
			rfail(r, "invalid block type");
		}
	} while (!last);
}

/* rmember -- a member after its magic */
NOCOV static void
rmember(struct ref *r)
{
	unsigned h[10], flg, x, i, want;
	size_t hstart = r->bit / 8 - 2;
	uint32_t crc;

	for (i = 2; i < 10; i++)
		h[i] = rbyte(r);
	if (h[2] != 8)
		rfail(r, "unknown compression method");
	flg = h[3];
	if (flg & 0xe0)
		rfail(r, "reserved header flags");
	if (flg & 4) {
		x = rbyte(r);
		x |= rbyte(r) << 8;
		while (x--)
			rbyte(r);
	}
	if (flg & 8)
		while (rbyte(r) != 0)
			;
	if (flg & 16)
		while (rbyte(r) != 0)
			;
	if (flg & 2) {
		crc = refcrc(0, r->p + hstart, r->bit / 8 - hstart);
		want = rbyte(r);
		want |= rbyte(r) << 8;
		if (want != (crc & 0xffff))
			rfail(r, "bad header CRC");
	}
	r->start = r->outn;
	rinflate(r);
	r->bit = (r->bit + 7) / 8 * 8;
	crc = 0;
	for (i = 0; i < 4; i++)
		crc |= (uint32_t)rbyte(r) << (8 * i);
	x = 0;
	for (i = 0; i < 4; i++)
		x |= rbyte(r) << (8 * i);
	if (crc != refcrc(0, r->out + r->start, r->outn - r->start))
		rfail(r, "bad CRC-32");
	if (x != (uint32_t)(r->outn - r->start))
		rfail(r, "bad length (ISIZE)");
}

/* refgunzip -- NULL, or why not */
NOCOV static const char *
refgunzip(struct ref *r, const unsigned char *p, size_t n)
{
	size_t i;

	r->p = p;
	r->n = n;
	r->bit = 0;
	r->outn = r->start = 0;
	r->big = 0;
	r->why = NULL;
	if (setjmp(r->fail))
		return r->why;
	if (rbyte(r) != 0x1f || rbyte(r) != 0x8b)
		return "not a gzip member";
	rmember(r);
	for (;;) {
		if (r->bit / 8 == n)
			return NULL;
		if (p[r->bit / 8] == 0x1f) {
			rbyte(r);
			if (rbyte(r) != 0x8b)
				return "trailing garbage";
			rmember(r);
			continue;
		}
		for (i = r->bit / 8; i < n; i++)
			if (p[i] != 0)
				return "trailing garbage";
		return NULL;
	}
}

/* --- the encoder --- */

struct rnd {
	const unsigned char *p;
	size_t n, at;
};

NOCOV static unsigned
rnd(struct rnd *s, unsigned below)
{
	unsigned v = 0;

	if (below <= 1)
		return 0;
	if (s->at < s->n)
		v = s->p[s->at++];
	if (below > 256 && s->at < s->n)
		v = v << 8 | s->p[s->at++];
	return v % below;
}

struct bw {
	unsigned char *p;
	size_t n, cap;
	uint32_t acc;
	int nb;
};

NOCOV static void
bput(struct bw *w, uint32_t v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		w->acc |= (v >> i & 1) << w->nb;
		if (++w->nb == 8) {
			if (w->n == w->cap)
				w->p = erealloc(w->p, w->cap = 2 * w->cap + 4096);
			w->p[w->n++] = (unsigned char)w->acc;
			w->acc = 0;
			w->nb = 0;
		}
	}
}

NOCOV static void
balign(struct bw *w)
{
	if (w->nb)
		bput(w, 0, 8 - w->nb);
}

/* bcode -- a Huffman code, first bit its most significant */
NOCOV static void
bcode(struct bw *w, unsigned code, int len)
{
	while (len--)
		bput(w, code >> len & 1, 1);
}

NOCOV static void
canon(const unsigned char *lens, int n, unsigned *code)
{
	unsigned count[16] = { 0 }, next[16];
	int l, s;

	for (s = 0; s < n; s++)
		count[lens[s]]++;
	count[0] = 0;
	next[0] = 0;
	for (l = 1; l < 16; l++)
		next[l] = (next[l - 1] + count[l - 1]) << 1;
	for (s = 0; s < n; s++)
		if (lens[s])
			code[s] = next[lens[s]]++;
}

/* randtree -- the depths of a complete code of k > 1 leaves, none deeper
 * than maxd: leaves split at random, or the last one, for deep codes */
NOCOV static void
randtree(struct rnd *s, unsigned char *d, int k, int maxd, int deep)
{
	int n = 1, i, j;

	d[0] = 0;
	while (n < k) {
		i = deep && rnd(s, 2) ? n - 1 : (int)rnd(s, (unsigned)n);
		for (j = 0; d[i] >= maxd && j < n; j++)
			i = (i + 1) % n;
		d[i]++;
		d[n++] = d[i];
	}
}

struct enc {
	struct rnd *s;
	struct bw w;
	unsigned char *plain;   /* the whole output, members one after another */
	size_t n, start;
};

/* symbols -- literals and matches through the codes given; the length
 * symbols below hlit, the distance symbols below hdist */
NOCOV static void
symbols(struct enc *e, const unsigned char *ll, const unsigned *lcode, const unsigned char *dl,
    const unsigned *dcode, int hlit, int hdist)
{
	int k, nsym = (int)rnd(e->s, 300), ls, ds, nd, len, dist, ex;

	for (k = 0; k < nsym && e->n + 258 < MAXOUT; k++) {
		if (e->n > e->start && hlit > 257 && rnd(e->s, 3) == 0) {
			ls = (int)rnd(e->s, (unsigned)(hlit - 257));
			ex = (int)rnd(e->s, 1u << lextra[ls]);
			len = lbase[ls] + ex;
			for (nd = 0; nd < hdist && nd < 30 && dl[nd] &&
			    dbase[nd] <= e->n - e->start; nd++)
				;
			if (nd == 0)
				goto literal;
			ds = (int)rnd(e->s, (unsigned)nd);
			dist = dbase[ds] + (int)rnd(e->s, 1u << dextra[ds]);
			if ((size_t)dist > e->n - e->start)
				dist = (int)(e->n - e->start);
			if (dist < dbase[ds])
				goto literal;
			bcode(&e->w, lcode[257 + ls], ll[257 + ls]);
			bput(&e->w, (uint32_t)ex, lextra[ls]);
			bcode(&e->w, dcode[ds], dl[ds]);
			bput(&e->w, (uint32_t)(dist - dbase[ds]), dextra[ds]);
			while (len--) {
				e->plain[e->n] = e->plain[e->n - (size_t)dist];
				e->n++;
			}
			continue;
		}
literal:
		ls = (int)rnd(e->s, 256);
		if (!ll[ls])
			continue;
		bcode(&e->w, lcode[ls], ll[ls]);
		e->plain[e->n++] = (unsigned char)ls;
	}
	bcode(&e->w, lcode[256], ll[256]);
}

NOCOV static void
dynamic(struct enc *e)
{
	unsigned char lens[320], d[320], cl[19], cls[320], clx[320];
	unsigned lcode[320], dcode[32], ccode[19];
	int hlit = 257 + (int)rnd(e->s, 30), hdist = 1 + (int)rnd(e->s, 30), i, k, n, run, used[19];
	int nused = 0, hclen, ncl = 0;

	randtree(e->s, d, hlit, 15, (int)rnd(e->s, 2));
	k = (int)rnd(e->s, (unsigned)hlit);
	for (i = 0; i < hlit; i++)
		lens[i] = d[(i + k) % hlit];
	if (hdist == 1 || rnd(e->s, 8) == 0) {
		/* the one-code distance tree, length 1 */
		hdist = 1 + (int)rnd(e->s, 30);
		memset(lens + hlit, 0, (size_t)hdist);
		lens[hlit] = 1;
	} else {
		randtree(e->s, d, hdist, 15, (int)rnd(e->s, 2));
		for (i = 0; i < hdist; i++)
			lens[hlit + i] = d[i];
	}
	/* the lengths as code-length symbols, runs taken at random */
	n = hlit + hdist;
	for (i = 0; i < n; i += run) {
		for (run = 1; i + run < n && lens[i + run] == lens[i]; run++)
			;
		if (lens[i] == 0 && run >= 3 && rnd(e->s, 2)) {
			if (run > 138)
				run = 138;
			cls[ncl] = run >= 11 ? 18 : 17;
			clx[ncl++] = (unsigned char)(run >= 11 ? run - 11 : run - 3);
		} else if (i > 0 && lens[i - 1] == lens[i] && run >= 3 && rnd(e->s, 2)) {
			if (run > 6)
				run = 6;
			cls[ncl] = 16;
			clx[ncl++] = (unsigned char)(run - 3);
		} else {
			run = 1;
			cls[ncl] = lens[i];
			clx[ncl++] = 0;
		}
	}
	memset(used, 0, sizeof used);
	for (i = 0; i < ncl; i++)
		used[cls[i]] = 1;
	for (i = 0; i < 19; i++)
		nused += used[i];
	/* two symbols at least, for a complete code */
	for (i = 0; nused < 2; i++)
		if (!used[i]) {
			used[i] = 1;
			nused++;
		}
	randtree(e->s, d, nused, 7, 0);
	for (i = 0, k = 0; i < 19; i++)
		cl[i] = used[i] ? d[k++] : 0;
	canon(cl, 19, ccode);
	for (hclen = 19; hclen > 4 && cl[clorder[hclen - 1]] == 0; hclen--)
		;
	bput(&e->w, 2, 2);
	bput(&e->w, (uint32_t)(hlit - 257), 5);
	bput(&e->w, (uint32_t)(hdist - 1), 5);
	bput(&e->w, (uint32_t)(hclen - 4), 4);
	for (i = 0; i < hclen; i++)
		bput(&e->w, cl[clorder[i]], 3);
	for (i = 0; i < ncl; i++) {
		bcode(&e->w, ccode[cls[i]], cl[cls[i]]);
		if (cls[i] >= 16)
			bput(&e->w, clx[i], cls[i] == 16 ? 2 : cls[i] == 17 ? 3 : 7);
	}
	canon(lens, hlit, lcode);
	canon(lens + hlit, hdist, dcode);
	symbols(e, lens, lcode, lens + hlit, dcode, hlit, hdist);
}

NOCOV static void
member(struct enc *e)
{
	unsigned char lens[320];
	unsigned lcode[320], dcode[32], len, i;
	size_t h = e->w.n;
	unsigned flg = rnd(e->s, 32) & 0x1e, last, type;
	uint32_t crc;

	bput(&e->w, 0x8b1f, 16);
	bput(&e->w, 8, 8);
	bput(&e->w, flg, 8);
	bput(&e->w, rnd(e->s, 256), 32);
	bput(&e->w, 0, 16);
	if (flg & 4) {
		len = rnd(e->s, 20);
		bput(&e->w, len, 16);
		while (len--)
			bput(&e->w, rnd(e->s, 256), 8);
	}
	for (i = 8; i <= 16; i += 8) {
		if (!(flg & i))
			continue;
		for (len = rnd(e->s, 10); len--;)
			bput(&e->w, 1 + rnd(e->s, 255), 8);
		bput(&e->w, 0, 8);
	}
	if (flg & 2)
		bput(&e->w, refcrc(0, e->w.p + h, e->w.n - h) & 0xffff, 16);
	e->start = e->n;
	do {
		last = e->s->at >= e->s->n || rnd(e->s, 4) == 0;
		type = rnd(e->s, 3);
		bput(&e->w, last, 1);
		if (type == 0) {
			len = rnd(e->s, 700);
			if (e->n + len > MAXOUT)
				len = 0;
			bput(&e->w, 0, 2);
			balign(&e->w);
			bput(&e->w, len, 16);
			bput(&e->w, ~len & 0xffff, 16);
			while (len--)
				bput(&e->w, e->plain[e->n++] = (unsigned char)rnd(e->s, 256), 8);
		} else if (type == 1) {
			bput(&e->w, 1, 2);
			for (i = 0; i < 288; i++)
				lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
			for (i = 0; i < 30; i++)
				lens[288 + i] = 5;
			canon(lens, 288, lcode);
			canon(lens + 288, 30, dcode);
			symbols(e, lens, lcode, lens + 288, dcode, 286, 30);
		} else {
			dynamic(e);
		}
	} while (!last);
	balign(&e->w);
	crc = refcrc(0, e->plain + e->start, e->n - e->start);
	bput(&e->w, crc, 32);
	bput(&e->w, (uint32_t)(e->n - e->start), 32);
}

/* --- the comparison --- */

static long
readsrc(void *ctx, unsigned char *buf, size_t n)
{
	struct rnd *s = ctx;        /* p, n, at; "at" as the read offset */
	size_t most = s->n - s->at;

	if (n > most)
		n = most;
	memcpy(buf, s->p + s->at, n);
	s->at += n;
	return (long)n;
}

struct chunked {
	struct rnd src;
	size_t most;
};

static long
readchunk(void *ctx, unsigned char *buf, size_t n)
{
	struct chunked *c = ctx;

	return readsrc(&c->src, buf, n < c->most ? n : c->most);
}

NOCOV static size_t
kindlen(const char *m)
{
	const char *at = strstr(m, " at byte ");

	return at ? (size_t)(at - m) : strlen(m);
}

/* agree -- the reference's verdict why (NULL: the output ref[0, nref))
 * against a decoder's (err, out[0, n)) */
NOCOV static void
agree(const char *why, const unsigned char *ref, size_t nref, const char *err,
    const unsigned char *out, size_t n)
{
	if (!why) {
		CHECK(!err);
		CHECK(n == nref && memcmp(out, ref, n) == 0);
		return;
	}
	CHECK(err);
	if (strcmp(why, "truncated member") == 0 || strncmp(err, "truncated member", 16) == 0)
		return;
	CHECK(kindlen(err) == strlen(why) && memcmp(err, why, strlen(why)) == 0);
}

static unsigned char *outbuf, *decbuf, *gunbuf;

/* ours -- the file through fl_gz_read: the window and room, read size most */
static const char *
ours(const unsigned char *p, size_t n, size_t room, size_t most, size_t *outn)
{
	struct chunked c;
	static unsigned char *buf;
	size_t cap = FL_GZ_WINDOW + room, pos = 0, done = 0, keep;
	struct fl_gz *z;
	const char *err = NULL;
	int r;

	if (!buf)
		buf = emalloc(FL_GZ_WINDOW + 65536);
	c.src.p = p;
	c.src.n = n;
	c.src.at = 0;
	c.most = most;
	*outn = 0;
	/* the first bytes as head, as the reader passes its magic */
	keep = n < 2 ? n : 2;
	c.src.at = keep;
	z = fl_gz_open(readchunk, &c, p, keep);
	for (;;) {
		if (cap - pos < room && pos > FL_GZ_WINDOW) {
			memmove(buf, buf + pos - FL_GZ_WINDOW, FL_GZ_WINDOW);
			done -= pos - FL_GZ_WINDOW;
			pos = FL_GZ_WINDOW;
		}
		r = fl_gz_read(z, buf, &pos, cap);
		if (r < 0) {
			/* kept past fl_gz_close; the source never fails */
			static char msg[128];

			CHECK(fl_gz_error(z));
			snprintf(msg, sizeof msg, "%s", fl_gz_error(z));
			err = msg;
			break;
		}
		CHECK(pos <= cap);
		if (*outn + (pos - done) <= MAXOUT)
			memcpy(decbuf + *outn, buf + done, pos - done);
		*outn += pos - done;
		done = pos;
		if (r == 0)
			break;
		CHECK(*outn <= 64 * (size_t)MAXOUT);
	}
	CHECK(fl_gz_inpos(z) <= n);
	fl_gz_close(z);
	return err;
}

/* compare -- the reference and fl_gz_read on g[0, n); fl_gunzip too if
 * gunzip (not always: each decoder run costs) */
static void
compare(const unsigned char *g, size_t n, size_t room, size_t most, int gunzip)
{
	static struct ref r;
	const char *why, *err, *gerr;
	size_t outn, gn;

	r.out = outbuf;
	why = refgunzip(&r, g, n);
	err = ours(g, n, room, most, &outn);
	if (r.big) {
		CHECK(err || outn > MAXOUT);
		return;
	}
	agree(why, r.out, r.outn, err, decbuf, outn);
	if (!gunzip)
		return;
	/* in memory: the exact room, then one byte short */
	if (fl_gunzip(g, n, gunbuf, r.outn, &gn, &gerr) == 0)
		gerr = NULL;
	agree(why, r.out, r.outn, gerr, gunbuf, gn);
	if (!why && r.outn > 0) {
		CHECK(fl_gunzip(g, n, gunbuf, r.outn - 1, &gn, &gerr) < 0);
		CHECK(strncmp(gerr, "output larger than", 18) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t rooms[8] = { 4096, 4097, 4099, 4500, 5000, 8191, 32768, 65536 };
	static const size_t mosts[8] = { 1, 2, 3, 5, 8, 13, 333, 65536 };
	unsigned mode;
	size_t room, most, i;
	int gunzip;

	if (!outbuf) {
		outbuf = emalloc(MAXOUT);
		decbuf = emalloc(MAXOUT);
		gunbuf = emalloc(MAXOUT);
	}
	if (size < 1)
		return 0;
	mode = data[0] & 3;
	gunzip = mode == 3 || (data[0] & 0x1c) == 0;
	mode %= 3;
	room = rooms[data[0] >> 2 & 7];
	most = mosts[data[0] >> 5 & 7];
	data++;
	size--;

	/* the CRC paths on the input, cut at a place it picks */
	i = size ? data[0] % (size + 1) : 0;
	CHECK(fl_crc32(fl_crc32(1, data, i), data + i, size - i) ==
	    fl_crc32_portable(1, data, size));
	CHECK(fl_crc32(0, data, size) == refcrc(0, data, size));

	if (mode == 0) {
		compare(data, size, room, most, gunzip);
	} else if (mode == 1) {
		/* a header, the deflate bytes as far as the reference takes
		 * them, the right trailer; the rest of the input after it */
		static struct ref r;
		unsigned char *g = emalloc(size + 18);
		size_t n;

		memcpy(g, "\x1f\x8b\x08\0\0\0\0\0\0\x03", 10);
		r.out = outbuf;
		r.p = data;
		r.n = size;
		r.bit = 0;
		r.outn = r.start = 0;
		r.big = 0;
		if (setjmp(r.fail) == 0) {
			uint32_t crc;

			rinflate(&r);
			n = (r.bit + 7) / 8;
			memcpy(g + 10, data, n);
			crc = refcrc(0, r.out, r.outn);
			for (i = 0; i < 4; i++) {
				g[10 + n + i] = (unsigned char)(crc >> (8 * i));
				g[14 + n + i] = (unsigned char)(r.outn >> (8 * i));
			}
			n += 18;
			/* a byte of the rest: more of the input after, or not */
			if (n - 18 < size && data[n - 18] & 1) {
				memcpy(g + n, data + n - 18, size - (n - 18));
				n += size - (n - 18);
			}
		} else if (r.big) {
			free(g);
			return 0;
		} else {
			memcpy(g + 10, data, size);
			n = size + 10;
		}
		compare(g, n, room, most, gunzip);
		free(g);
	} else {
		struct rnd s;
		struct enc e;
		int members;

		s.p = data;
		s.n = size;
		s.at = 0;
		memset(&e, 0, sizeof e);
		e.s = &s;
		e.plain = outbuf;
		members = 1 + (int)rnd(&s, 3);
		while (members--)
			member(&e);
		if (rnd(&s, 4) == 0)
			for (i = rnd(&s, 10); i--;)
				bput(&e.w, 0, 8);
		{
			/* the encoder's content, kept from the reference's
			 * use of outbuf */
			unsigned char *want = emalloc(e.n + 1);
			static struct ref r;
			const char *why;
			size_t outn;

			memcpy(want, e.plain, e.n);
			r.out = outbuf;
			why = refgunzip(&r, e.w.p, e.w.n);
			CHECK(!why);
			CHECK(r.outn == e.n && memcmp(r.out, want, e.n) == 0);
			CHECK(!ours(e.w.p, e.w.n, room, most, &outn));
			CHECK(outn == e.n && memcmp(decbuf, want, e.n) == 0);
			compare(e.w.p, e.w.n, room, most, gunzip);
			free(want);
		}
		free(e.w.p);
	}
	return 0;
}
