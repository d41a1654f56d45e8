/* tally.c -- the one counting module: a count (or sum) per key, added
 * key by key, merged, printed in the one row order (count.c).
 *
 * Keys "port<TAB>protocol name" (flow-parse's rows) are counted in a
 * table per protocol indexed by port: no hash, no key to compare. A count
 * is a byte, which keeps the tables of many keys within the caches; an
 * addition that would pass 255 goes to a table of 64-bit counts beside
 * it, made for its protocol then, and a bit says where that table was
 * written (read elsewhere it would only fault in zero pages). Every other
 * key goes to the map (map.c). The printer's order does not depend on
 * the order the rows came in (count.c), so neither keeps that order.
 *
 * Once the tables are larger than the caches, each new key costs a miss.
 * fl_tally_line then holds the keys back a few at a time: their counts
 * are looked for (and loaded) at once, added in order later, so that the
 * misses overlap. A key is held back only where no sum can pass 2^64 - 1
 * (below the sum of all additions so far), so that an overflow is still
 * reported by the call that makes it. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "tally.h"

#define NPORT 65536
#define NWORD (NPORT / 64)

#define MAPKEY 0x80000000u    /* a held key of the map, not a direct one */

/* the protocols' own names, looked up by a hash of a few bytes */
#define NAMEMAX 16               /* longer names (there are none) take the map */
#define NSLOT 1024

/* from this many rows on, the counts are loaded ahead of their use (the
 * fuzz test builds the module once more with this and the other sizes
 * marked "tests" small, to reach the paths of large tables) */
#ifndef AHEADFROM
#define AHEADFROM 262144         /* tests */
#endif
#define AHEAD 16                 /* keys ahead in fl_tally_keys */

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p, 1)
#else
#define PREFETCH(p) ((void)0)
#endif

#define BLK 16                   /* ports in a block */
#define NBLK (NPORT / BLK)

struct dtab {
	unsigned char *lo;       /* 65536 counts up to 255 */
	uint64_t *hi;            /* 65536 counts beside, once one is needed */
	uint64_t *inhi;          /* bits: the key's count is lo + hi */
	uint64_t *zero;          /* bits: the key has a row, of count 0 so far */
	uint64_t *blk;           /* NBLK bits: a block of ports has a row */
};

/* keys held back: a direct key (protocol << 16 | port), or MAPKEY and a
 * copy of a map key */
#define NHELD 32
#define HELDKEY 256              /* longer map keys are not held */
#ifndef MAPAHEAD
#define MAPAHEAD 15              /* from a map of 2^15 slots on; tests */
#endif
struct held {
	uint32_t key;
	uint32_t n;
	uint64_t h, v;
	char k[HELDKEY];
};

struct fl_tally {
	struct dtab d[256];
	size_t ndirect;          /* rows in the direct tables */
	uint64_t total;          /* the sum of all additions, up to 2^64 - 1 */
	struct fl_map map;
	struct held held[NHELD]; /* a ring: */
	unsigned first, nheld;
	struct {
		char s[NAMEMAX];
		unsigned char n, proto;
	} name[NSLOT];
};

static unsigned
namehash(const char *s, size_t n)
{
	return ((unsigned char)s[0] * 61u + (unsigned char)s[n - 1] * 7u +
	    (unsigned char)s[n / 2] * 29u + (unsigned)n * 101u) & (NSLOT - 1);
}

struct fl_tally *
fl_tally_new(void)
{
	struct fl_tally *t = ecalloc(1, sizeof(*t));
	unsigned p, h;
	const char *nm;
	size_t ln;

	fl_map_init(&t->map);
	for (p = 0; p < 256; p++) {
		nm = fl_proto_name(p, &ln);
		if (ln >= NAMEMAX)
			continue;
		for (h = namehash(nm, ln); t->name[h].n; h = (h + 1) & (NSLOT - 1))
			;
		memcpy(t->name[h].s, nm, ln);
		t->name[h].n = (unsigned char)ln;
		t->name[h].proto = (unsigned char)p;
	}
	return t;
}

/* clear -- the tally empty, its tables freed */
static void
clear(struct fl_tally *t)
{
	unsigned p;

	for (p = 0; p < 256; p++) {
		free(t->d[p].lo);
		free(t->d[p].hi);
		free(t->d[p].inhi);
		free(t->d[p].zero);
		free(t->d[p].blk);
	}
	memset(t->d, 0, sizeof(t->d));
	t->ndirect = 0;
}

void
fl_tally_free(struct fl_tally *t)
{
	if (!t)
		return;
	clear(t);
	fl_map_free(&t->map);
	free(t);
}

static int
bitat(const uint64_t *bits, unsigned port)
{
	return bits && (bits[port / 64] >> (port % 64) & 1);
}

static void
setbit(uint64_t **bits, unsigned port)
{
	if (!*bits)
		*bits = ecalloc(NWORD, sizeof(uint64_t));
	(*bits)[port / 64] |= (uint64_t)1 << (port % 64);
}

/* dcount -- the count of a direct key */
static uint64_t
dcount(const struct dtab *d, unsigned port)
{
	uint64_t v = d->lo[port];

	return bitat(d->inhi, port) ? v + d->hi[port] : v;
}

/* carry -- add v to a key whose byte, old, it would take past 255: the
 * whole count goes to the 64-bit table. Near 2^64 the byte keeps what the
 * count can still take (255 - byte = room left), so that the additions
 * that stay in the byte can never pass 2^64 - 1 and need no test. */
static int
carry(struct dtab *d, unsigned port, unsigned old, uint64_t v)
{
	uint64_t h, total, room;
	unsigned lo;

	if (!d->hi)
		d->hi = ecalloc(NPORT, sizeof(uint64_t));
	h = bitat(d->inhi, port) ? d->hi[port] : 0;
	if (v > UINT64_MAX - old - h)
		return -1;
	total = h + old + v;
	room = UINT64_MAX - total;
	lo = room < 255 ? (unsigned)(255 - room) : 0;
	d->hi[port] = total - lo;
	d->lo[port] = (unsigned char)lo;
	setbit(&d->inhi, port);
	return 0;
}

/* dadd -- add v to the direct key (proto, port), a row from now on */
static int
dadd(struct fl_tally *t, unsigned proto, unsigned port, uint64_t v)
{
	struct dtab *d = &t->d[proto];
	unsigned old;

	if (!d->lo) {
		d->lo = ecalloc(NPORT, 1);
		d->blk = ecalloc(NBLK / 64, sizeof(uint64_t));
	}
	old = d->lo[port];
	if (old == 0 && !bitat(d->inhi, port) && !bitat(d->zero, port)) {
		t->ndirect++;
		setbit(&d->blk, port / BLK);
		if (v == 0)
			setbit(&d->zero, port);
	}
	if (v <= 255 - old) {
		d->lo[port] = (unsigned char)(old + v);
		return 0;
	}
	return carry(d, port, old, v);
}

/* portproto -- whether the key is "port<TAB>name", both as flow-parse
 * writes them: a decimal 0..65535 without leading zeros, the protocol's
 * name as fl_proto_name gives it */
static int
portproto(const struct fl_tally *t, const char *s, size_t n, unsigned *port, unsigned *proto)
{
	unsigned v = 0, d, h;
	size_t i, ln;
	const char *nm;

	for (i = 0; i < n && i < 6 && (d = (unsigned)(unsigned char)s[i] - '0') <= 9; i++)
		v = v * 10 + d;
	if (i == 0 || i == n || s[i] != '\t' || v > 65535 || (s[0] == '0' && i > 1))
		return 0;
	nm = s + i + 1;
	ln = n - i - 1;
	if (ln == 0 || ln >= NAMEMAX)
		return 0;
	for (h = namehash(nm, ln); t->name[h].n; h = (h + 1) & (NSLOT - 1)) {
		if (t->name[h].n == ln && memcmp(t->name[h].s, nm, ln) == 0) {
			*proto = t->name[h].proto;
			*port = v;
			return 1;
		}
	}
	return 0;
}

/* maddh -- add v to the map's key k of hash h */
static int
maddh(struct fl_tally *t, const char *k, size_t n, uint64_t h, uint64_t v)
{
	uint64_t *c = fl_map_geth(&t->map, k, n, h, 1);

	if (*c > UINT64_MAX - v)
		return -1;
	*c += v;
	return 0;
}

static int
madd(struct fl_tally *t, const char *k, size_t n, uint64_t v)
{
	return maddh(t, k, n, fl_map_hash(&t->map, k, n), v);
}

/* sumup -- whether v can be added to any key with no test of its sum
 * (the sum of all additions stays below 2^64); the bound goes up by v */
static int
sumup(struct fl_tally *t, uint64_t v)
{
	if (t->total > UINT64_MAX - v) {
		t->total = UINT64_MAX;
		return 0;
	}
	t->total += v;
	return 1;
}

/* addheld -- add the oldest key held back; it cannot overflow */
static void
addheld(struct fl_tally *t)
{
	struct held *x = &t->held[t->first];
	int st;

	t->first = (t->first + 1) % NHELD;
	t->nheld--;
	if (x->key != MAPKEY)
		st = dadd(t, x->key >> 16, x->key & 0xffff, x->v);
	else
		st = maddh(t, x->k, x->n, x->h, x->v);
	if (st < 0)
		fl_die(1, "a count held back overflows");
}

/* drain -- add the keys held back, in order */
static void
drain(struct fl_tally *t)
{
	while (t->nheld)
		addheld(t);
}

/* hold -- a slot for one more key held back, the oldest added if the
 * ring is full */
static struct held *
hold(struct fl_tally *t)
{
	if (t->nheld == NHELD)
		addheld(t);
	return &t->held[(t->first + t->nheld++) % NHELD];
}

void
fl_tally_keys(struct fl_tally *t, const uint32_t *keys, size_t n)
{
	size_t i;

	drain(t);
	sumup(t, n);
	for (i = 0; i < n; i++) {
		uint32_t k = keys[i];
		unsigned proto = k >> 16, port = k & 0xffff, c;
		unsigned char *lo;

		if (proto > 255)
			fl_die(1, "fl_tally_keys: key %#lx out of range", (unsigned long)k);
		if (t->ndirect >= AHEADFROM && i + AHEAD < n) {
			uint32_t a = keys[i + AHEAD];
			if ((a >> 16) < 256 && t->d[a >> 16].lo)
				PREFETCH(t->d[a >> 16].lo + (a & 0xffff));
		}
		lo = t->d[proto].lo;
		/* the common case: a count of 1..254 takes one more */
		if (lo && (c = lo[port]) - 1u < 254u) {
			lo[port] = (unsigned char)(c + 1);
			continue;
		}
		if (dadd(t, proto, port, 1) < 0)
			fl_die(1, "count overflows 64 bits");
	}
}

int
fl_tally_add(struct fl_tally *t, unsigned port, unsigned proto, uint64_t v)
{
	if (port > 65535 || proto > 255)
		fl_die(1, "fl_tally_add: port %u, protocol %u out of range", port, proto);
	drain(t);
	sumup(t, v);
	return dadd(t, proto, port, v);
}

int
fl_tally_line(struct fl_tally *t, const char *k, size_t n, uint64_t v)
{
	unsigned port, proto;
	struct held *x;
	uint64_t h;

	if (portproto(t, k, n, &port, &proto)) {
		if (!sumup(t, v)) {
			drain(t);
			return dadd(t, proto, port, v);
		}
		if (t->nheld == 0 && t->ndirect < AHEADFROM)
			return dadd(t, proto, port, v);
		if (t->d[proto].lo)
			PREFETCH(t->d[proto].lo + port);
		x = hold(t);
		x->key = (uint32_t)(proto << 16 | port);
		x->v = v;
		return 0;
	}
	if (!sumup(t, v) || n > HELDKEY || (t->nheld == 0 && t->map.bits < MAPAHEAD)) {
		drain(t);
		return madd(t, k, n, v);
	}
	h = fl_map_hash(&t->map, k, n);
	fl_map_hint(&t->map, h);
	x = hold(t);
	x->key = MAPKEY;
	x->n = (uint32_t)n;
	x->h = h;
	x->v = v;
	memcpy(x->k, k, n);
	return 0;
}

/* The direct rows go to the printer by port, a block of ports at a time:
 * the tables are read in order, and the sort finds the ports in order
 * already.
 *
 * Many direct rows go in parts, so that the printer's items of all of
 * them are never in memory at once: the rows of a range of counts, from
 * the largest counts down, or where one count has too many, of that
 * count and a range of ports. The order puts a larger count first, and
 * among direct rows of one count, a lower port (a plain number) first:
 * the parts, each sorted, follow one another. */
#ifndef PART
#define PART (1 << 19)           /* rows in a part, about; tests */
#endif

struct rows {
	struct fl_tally *t;
	size_t maprows;          /* the map's rows still to give */
	unsigned b, bend;        /* by port: the next block of ports, the end */
	uint64_t lo, hi;         /* the counts taken */
	size_t quota;            /* no block begun after this many rows */
	unsigned char act[256];  /* the protocols with rows, by name (fl_keycmp) */
	unsigned nact;
	size_t n, at;            /* rows of the current block, the next one */
	uint32_t key[BLK * 256]; /* the rows of the current block */
	uint64_t count[BLK * 256];
};

/* nonzero -- a bit for each of the 8 bytes at p that is not 0 */
static unsigned
nonzero(const unsigned char *p)
{
	uint64_t w = 0, t;
	int i;

	for (i = 7; i >= 0; i--)         /* p[0] low: one load where that is the byte order */
		w = w << 8 | p[i];
	t = ((w & 0x7f7f7f7f7f7f7f7fu) + 0x7f7f7f7f7f7f7f7fu) | w;
	t = (t >> 7) & 0x0101010101010101u;
	return (unsigned)((t * 0x0102040810204080u) >> 56);     /* byte i's bit to bit i */
}

/* rowmask -- a bit for each port of block b that has a row */
static unsigned
rowmask(const struct dtab *d, unsigned b)
{
	unsigned base = b * BLK, m;

	m = nonzero(d->lo + base) | nonzero(d->lo + base + 8) << 8;
	if (d->inhi)
		m |= (unsigned)(d->inhi[base / 64] >> (base % 64)) & 0xffff;
	if (d->zero)
		m |= (unsigned)(d->zero[base / 64] >> (base % 64)) & 0xffff;
	return m;
}

/* lowbit -- the number of the lowest bit set in m (not 0) */
static unsigned
lowbit(unsigned m)
{
	static const unsigned char debruijn[32] = {
		0, 1, 28, 2, 29, 14, 24, 3, 30, 22, 20, 15, 25, 17, 4, 8,
		31, 27, 13, 23, 21, 19, 16, 7, 26, 12, 18, 6, 11, 5, 10, 9
	};

	return debruijn[(uint32_t)((m & -m) * 0x077cb531u) >> 27];
}

/* block -- the rows of block r->b of counts lo..hi into r->key and
 * r->count, port by port, then the protocols by name */
static void
block(struct rows *r)
{
	unsigned char at[BLK][256];
	unsigned nat[BLK] = { 0 }, j, k, a, m, p, b = r->b++, base = b * BLK;
	const struct dtab *d;
	uint64_t c;

	r->n = r->at = 0;
	for (a = 0; a < r->nact; a++) {
		d = &r->t->d[r->act[a]];
		if (!bitat(d->blk, b))
			continue;
		for (m = rowmask(d, b); m; m &= m - 1) {
			j = lowbit(m);
			at[j][nat[j]++] = r->act[a];
		}
	}
	for (j = 0; j < BLK; j++)
		for (k = 0; k < nat[j]; k++) {
			p = at[j][k];
			c = dcount(&r->t->d[p], base + j);
			if (c < r->lo || c > r->hi)
				continue;
			r->key[r->n] = (uint32_t)p << 16 | (base + j);
			r->count[r->n++] = c;
		}
}

/* byport -- the next row of blocks b..bend, counts lo..hi */
static int
byport(void *arg, uint32_t *key, uint64_t *count)
{
	struct rows *r = arg;

	while (r->at == r->n) {
		if (r->b == r->bend || r->quota == 0)
			return 0;
		block(r);
		r->quota = r->quota > r->n ? r->quota - r->n : 0;
	}
	*key = r->key[r->at];
	*count = r->count[r->at++];
	return FL_ROW_DIRECT;
}

/* mixed -- the direct rows by port, then the map's */
static int
mixed(void *arg, uint32_t *key, uint64_t *count)
{
	struct rows *r = arg;

	if (byport(arg, key, count))
		return FL_ROW_DIRECT;
	if (r->maprows == 0)
		return 0;
	r->maprows--;
	return FL_ROW_MAP;
}

/* part -- print the rows of counts lo..hi from block r->b on, up to the
 * end of the block that makes n rows (all of them if there are n; else at
 * most n + BLK * 256 - 1): the rows printed */
static uint64_t
part(struct rows *r, uint64_t lo, uint64_t hi, size_t n, int all, uint64_t limit)
{
	r->lo = lo;
	r->hi = hi;
	r->quota = n;
	r->n = r->at = 0;
	return fl_rows_print(&r->t->map, all ? n : n + BLK * 256, byport, r, limit);
}

static unsigned
bitlen(uint64_t c)
{
	unsigned k = 0;

	while (c) {
		c >>= 1;
		k++;
	}
	return k;
}

/* census -- how many rows of counts lo..hi there are, by range of counts
 * into cnt: by bit length if w is 0, else by (count - lo) / w. Protocol
 * by protocol: the order makes no difference here. */
static void
census(struct rows *r, uint64_t lo, uint64_t hi, uint64_t w, size_t *cnt)
{
	size_t bytes[256];
	const struct dtab *d;
	unsigned a, b, j, m;
	uint64_t c;

	for (a = 0; a < r->nact; a++) {
		d = &r->t->d[r->act[a]];
		if (!d->inhi && !d->zero) {
			/* the counts are the bytes, 0 where there is no row */
			memset(bytes, 0, sizeof(bytes));
			for (j = 0; j < NPORT; j++)
				bytes[d->lo[j]]++;
			for (c = 1; c < 256; c++)
				if (bytes[c] && c >= lo && c <= hi)
					cnt[w ? (c - lo) / w : bitlen(c)] += bytes[c];
			continue;
		}
		for (b = 0; b < NBLK; b++) {
			if (!bitat(d->blk, b))
				continue;
			for (m = rowmask(d, b), j = 0; m; j++, m >>= 1) {
				if (!(m & 1))
					continue;
				c = dcount(d, b * BLK + j);
				if (c >= lo && c <= hi)
					cnt[w ? (c - lo) / w : bitlen(c)]++;
			}
		}
	}
}

/* parts -- print the n rows of counts lo..hi, at most limit of them,
 * in parts of about PART rows: the rows printed. The counts are split in
 * 65 ranges by their bit length at first (log), in 64 equal ones after. */
static uint64_t
parts(struct rows *r, uint64_t lo, uint64_t hi, size_t n, int log, uint64_t limit)
{
	size_t cnt[65], sum;
	uint64_t w = 0, done = 0, plo[65], phi[65];
	unsigned np, k, e;

	if (limit == 0)
		return 0;
	r->b = 0;
	r->bend = NBLK;
	if (n <= PART)
		return part(r, lo, hi, n, 1, limit);
	if (lo == hi) {          /* one count: in ranges of ports */
		while (r->b < NBLK && done < limit)
			done += part(r, lo, hi, PART, 0, limit - done);
		return done;
	}
	if (log) {
		np = 65;
		for (k = 0; k < np; k++) {
			plo[k] = k ? (uint64_t)1 << (k - 1) : 0;
			phi[k] = k ? plo[k] + (plo[k] - 1) : 0;
		}
	} else {
		w = (hi - lo) / 64 + 1;
		np = (unsigned)((hi - lo) / w) + 1;
		for (k = 0; k < np; k++) {
			plo[k] = lo + k * w;
			phi[k] = k + 1 < np ? plo[k] + (w - 1) : hi;
		}
	}
	memset(cnt, 0, sizeof(cnt));
	census(r, lo, hi, w, cnt);
	/* from the largest counts down, neighbouring ranges together while
	 * they hold at most PART rows; a larger one is split again */
	for (k = np; k > 0 && done < limit; k = e) {
		for (e = k - 1, sum = cnt[e]; e > 0 && sum + cnt[e - 1] <= PART; e--)
			sum += cnt[e - 1];
		if (sum)
			done += parts(r, plo[e], phi[k - 1], sum, 0, limit - done);
	}
	return done;
}

/* namesort -- the protocols with rows in the order of their names: the
 * rows of a port come to the printer in its order, which it then keeps
 * (where the rule goes round in a circle, it sorts them as it would any
 * rows) */
static void
namesort(struct rows *r)
{
	unsigned j, x;
	const char *a, *b;
	size_t an, bn;

	for (r->nact = 0, x = 0; x < 256; x++) {
		if (!r->t->d[x].lo)
			continue;
		a = fl_proto_name(x, &an);
		for (j = r->nact; j > 0; j--) {
			b = fl_proto_name(r->act[j - 1], &bn);
			if (fl_keycmp(b, bn, a, an) <= 0)
				break;
			r->act[j] = r->act[j - 1];
		}
		r->act[j] = (unsigned char)x;
		r->nact++;
	}
}

void
fl_tally_print(struct fl_tally *t, uint64_t limit)
{
	struct rows *r = emalloc(sizeof(*r));

	/* all but the arrays of a block's rows, which block() fills */
	memset(r, 0, offsetof(struct rows, key));
	drain(t);
	r->t = t;
	namesort(r);
	if (t->map.nent == 0) {
		parts(r, 0, UINT64_MAX, t->ndirect, 1, limit);
	} else if (t->ndirect == 0) {
		fl_rows_print(&t->map, 0, NULL, NULL, limit);
	} else {
		r->b = 0;
		r->bend = NBLK;
		r->lo = 0;
		r->hi = UINT64_MAX;
		r->quota = SIZE_MAX;
		r->maprows = t->map.nent;
		fl_rows_print(&t->map, t->ndirect, mixed, r, limit);
	}
	free(r);
	clear(t);
	fl_map_free(&t->map);
	fl_map_init(&t->map);
	t->total = 0;
}

/* wipe -- block b of d emptied, its memory kept for the next use (hi
 * is read only where inhi says, so it stays as it is) */
static void
wipe(struct dtab *d, unsigned b)
{
	unsigned base = b * BLK;
	uint64_t mask = (uint64_t)0xffff << (base % 64);

	memset(d->lo + base, 0, BLK);
	if (d->inhi)
		d->inhi[base / 64] &= ~mask;
	if (d->zero)
		d->zero[base / 64] &= ~mask;
	d->blk[b / 64] &= ~((uint64_t)1 << (b % 64));
}

/* isempty -- nothing added to t, no table made */
static int
isempty(const struct fl_tally *t)
{
	unsigned p;

	if (t->ndirect || t->total || t->map.nent || t->nheld)
		return 0;
	for (p = 0; p < 256; p++)
		if (t->d[p].lo || t->d[p].hi || t->d[p].inhi || t->d[p].zero || t->d[p].blk)
			return 0;
	return 1;
}

int
fl_tally_merge(struct fl_tally *dst, struct fl_tally *src)
{
	size_t pos = 0, kn;
	struct dtab *d;
	unsigned p, b, m, port;
	uint64_t *v;
	const char *k;
	int st = 0;

	drain(dst);
	drain(src);
	if (isempty(dst)) {
		/* src's tables move over: nothing to copy, no new memory */
		struct fl_map empty = dst->map;

		memcpy(dst->d, src->d, sizeof(dst->d));
		memset(src->d, 0, sizeof(src->d));
		dst->ndirect = src->ndirect;
		dst->total = src->total;
		dst->map = src->map;
		src->map = empty;
		src->ndirect = 0;
		src->total = 0;
		return 0;
	}
	sumup(dst, src->total);
	for (p = 0; p < 256 && st == 0; p++) {
		d = &src->d[p];
		if (!d->lo)
			continue;
		for (b = 0; b < NBLK && st == 0; b++) {
			if (!bitat(d->blk, b))
				continue;
			for (m = rowmask(d, b); m && st == 0; m &= m - 1) {
				port = b * BLK + lowbit(m);
				st = dadd(dst, p, port, dcount(d, port));
			}
			wipe(d, b);
		}
	}
	while (st == 0 && fl_map_next(&src->map, &pos, &v, &k, &kn))
		st = madd(dst, k, kn, *v);
	if (st)
		clear(src);
	src->ndirect = 0;
	fl_map_free(&src->map);
	fl_map_init(&src->map);
	src->total = 0;
	return st ? -1 : 0;
}
