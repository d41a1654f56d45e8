/* count.c -- print a map of counts the way every counted table is ordered:
 * count descending, then key ascending (fl_keycmp).
 *
 * The sort is a most-significant-byte-first radix sort on 16-byte items,
 * a 64-bit sort key beside the record's offset, by three keys in turn:
 *   0. the count, inverted (descending);
 *   1. within a count, the first field's class and value (key1 below);
 *   2. within a count and a numeric first field, the second field's.
 * A key is only used where its order is the order fl_keycmp gives: a group
 * with a field it cannot place (a field that starts with a digit but is
 * not a short plain number: 007, 3pc, 20 digits) goes to the comparison
 * sort below (cmp, msort), and so do the items that tie on the last key.
 * Radix buckets whose bytes all agree are skipped, small ones are sorted
 * by insertion, and runs of items already in order are left as they are.
 * Groups are printed as they are finished, in order, while their keys are
 * still in the cache.
 *
 * The rule can go round in a circle (keycmp.c), and what a comparison
 * sort leaves of a circle depends on the order the items come in; the
 * radix passes are stable and every group of ties ends in the comparison
 * sort or alone, and the comparison sort takes its items sorted by their
 * bytes first: the printed order never depends on the order the keys
 * were added in (to a map, a tally, or by any merge of them).
 *
 * Besides the map's records, the rows may come from tally.c's tables of
 * ports per protocol: such an item's ref is past the arena's end (dbase
 * and up, plus protocol << 16 | port), and its key's text is made from
 * the port and the protocol's name when it is needed. A row's count is
 * the count of the group it is in. */
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "tally.h"

#define REC(m, ref) ((m)->arena + (size_t)(ref) * 8)
#define SMALL 24                 /* insertion sort up to this many items */
#define HINT 16                  /* records loaded ahead */
#define NUNSURE 16               /* UNSURE items of a group kept on the stack */

struct item {
	uint64_t k;              /* the sort key of the current level */
	uint32_t ref;            /* the record's offset / 8 */
	uint32_t fl;             /* what fieldkey said of the field */
};
#define UNSURE 1         /* the field has no key: it starts with a digit
                          * but is not all digits */
#define ODDNUM 2         /* a number with leading zeros or over 18 digits:
                          * an equal key is not always the same field */
#define FLEN 0xffffff    /* fl >> 8: the first field's length, or FLEN */
#define NUMKEY(v) ((uint64_t)2 << 62 | (v))    /* fieldkey's key of a plain number */

static const struct fl_map *sorting;
static uint32_t dbase;           /* refs from here on are direct rows */
static uint64_t cur;             /* the count of the rows being sorted */
static uint64_t left;            /* rows still to print */

/* the comparison sort, of items of one count: decorated with a prefix of
 * the key and both fields */
struct ditem {
	uint64_t pre;            /* the key's first 8 bytes, big-endian, zero-padded */
	uint64_t first;          /* the first field's value, if NUM1 */
	uint64_t second;         /* the second field's value if NUM2, else its
	                          * first 8 bytes, big-endian, zero-padded */
	uint32_t ref;
	uint32_t flags;
};
#define NUM1 1           /* first field: 1..18 digits, no leading 0 */
#define NUM2 2           /* second field: the same */
#define HAS2 4           /* there is a second field */
#define DIG2 8           /* the second field is all digits */
#define FB(it) ((it)->flags >> 8 & 0xff)    /* the second field's first byte */

static struct ditem *dbuf;       /* scratch for the comparison sort */
static size_t dcap;

/* the text of a direct row's port (and a TAB) and of its protocol's
 * name, and the sort keys of both fields (fieldkey's), made once */
static struct dtext {
	uint64_t ptxt[65536];    /* up to 5 digits, a TAB, zeros */
	unsigned char plen[65536];    /* with the TAB */
	char ntxt[256][16];
	uint64_t nkey[256];
	unsigned char nlen[256];
	unsigned char nfl[256];
} *dt;                            /* made once, on huge pages (fl_bigalloc) */

static size_t fieldkey(const unsigned char *s, size_t n, uint64_t *key, unsigned *fl);

static void
texts(void)
{
	const char *nm;
	size_t ln;
	unsigned p, fl, n = 1;
	char b[8] = "0\t";
	int i;

	if (dt)
		return;
	dt = fl_bigalloc(sizeof(*dt));
	for (p = 0; p < 65536; p++) {
		memcpy(&dt->ptxt[p], b, 8);
		dt->plen[p] = (unsigned char)(n + 1);
		/* the next number: the last digit up, 9s carried */
		for (i = (int)n - 1; i >= 0 && b[i] == '9'; i--)
			b[i] = '0';
		if (i >= 0) {
			b[i]++;
		} else {
			memmove(b + 1, b, n + 1);
			b[0] = '1';
			n++;
		}
	}
	for (p = 0; p < 256; p++) {
		nm = fl_proto_name(p, &ln);
		if (ln > sizeof(dt->ntxt[p]))
			fl_die(1, "texts: protocol name of %zu bytes", ln);
		memcpy(dt->ntxt[p], nm, ln);
		dt->nlen[p] = (unsigned char)ln;
		dt->nkey[p] = 0;
		fieldkey((const unsigned char *)nm, ln, &dt->nkey[p], &fl);
		dt->nfl[p] = (unsigned char)fl;
	}
}

/* reckey -- the key of ref: a direct row's is made in one of a few
 * buffers in turn (no caller holds more than two keys at once) */
static const char *
reckey(uint32_t ref, size_t *n)
{
	static char kbuf[4][32];
	static unsigned ring;
	const unsigned char *r;
	uint32_t len;

	if (ref >= dbase) {
		char *b = kbuf[ring++ % 4];
		unsigned port = (ref - dbase) & 0xffff, proto = (ref - dbase) >> 16;
		size_t pl = dt->plen[port];
		memcpy(b, &dt->ptxt[port], 8);
		memcpy(b + pl, dt->ntxt[proto], 16);
		*n = pl + dt->nlen[proto];
		return b;
	}
	r = REC(sorting, ref);
	memcpy(&len, r + 8, sizeof(len));
	*n = len;
	return (const char *)r + FL_MAPHDR;
}

/* csvrows -- rows as CSV (fl_rows_csv) */
static int csvrows;

void
fl_rows_csv(int on)
{
	csvrows = on;
}

/* put -- one row; the count's text is kept while the count repeats */
static void
put(uint32_t ref)
{
	static char cbuf[24];
	static size_t cn;
	static uint64_t last;
	size_t n;
	const char *k;
	uint64_t v = cur;
	char row[64];

	if (v != last || cn == 0) {
		cbuf[0] = csvrows ? ',' : '\t';
		cn = (size_t)(fl_utoa(cbuf + 1, v) - cbuf);
		cbuf[cn++] = '\n';
		last = v;
	}
	left--;
	if (ref >= dbase) {      /* a direct row: copies of fixed sizes */
		unsigned port = (ref - dbase) & 0xffff, proto = (ref - dbase) >> 16;
		memcpy(row, &dt->ptxt[port], 8);
		n = dt->plen[port];
		/* a port and a protocol's name need no quotes */
		if (csvrows)
			row[n - 1] = ',';
		memcpy(row + n, dt->ntxt[proto], 16);
		n += dt->nlen[proto];
		memcpy(row + n, cbuf, sizeof(cbuf));
		fl_put(row, n + cn);
		return;
	}
	k = reckey(ref, &n);
	if (csvrows)
		fl_csv_putfields(k, n);
	else
		fl_put(k, n);
	fl_put(cbuf, cn);
}

/* The UNSURE items of a group, sorted, waiting to be merged in: one list
 * for the first field within a count, one for the second field within a
 * count and first field. */
static struct {
	const struct item *u;
	size_t n, next;
	int field;               /* 0 first, 1 second */
} merge[2];
static int nmerge;

/* field -- field f (0 or 1) of the key of ref; 0 if there is none */
static int
field(uint32_t ref, int f, const char **s, size_t *n)
{
	size_t len, i;
	const char *k = reckey(ref, &len);

	for (i = 0; i < len && k[i] != '\t'; i++)
		;
	if (f) {
		if (i == len)
			return 0;
		k += i + 1;
		len -= i + 1;
		for (i = 0; i < len && k[i] != '\t'; i++)
			;
	}
	*s = k;
	*n = i;
	return 1;
}

/* before -- whether the UNSURE item u goes before x, whose fields before
 * f are the same: field f decides, by bytes (u's is not a number), and a
 * key without it goes first */
static int
before(uint32_t u, uint32_t x, int f)
{
	const char *a = "", *b;
	size_t an = 0, bn, kn, ln;
	int c;

	if (!field(x, f, &b, &bn))
		return 0;
	(void)field(u, f, &a, &an);     /* u has field f: it is UNSURE there */
	c = memcmp(a, b, an < bn ? an : bn);
	if (c == 0)
		c = an < bn ? -1 : an > bn;
	if (c == 0) {            /* cannot be: one is all digits, one not */
		a = reckey(u, &kn);
		b = reckey(x, &ln);
		c = fl_keycmp(a, kn, b, ln);
	}
	return c < 0;
}

/* emit -- the row of ref, after the waiting UNSURE rows that go before it */
static void
emit(uint32_t ref)
{
	int d;

	for (d = 0; d < nmerge; d++)
		while (merge[d].next < merge[d].n && left &&
		    before(merge[d].u[merge[d].next].ref, ref, merge[d].field))
			put(merge[d].u[merge[d].next++].ref);
	if (left)
		put(ref);
}

static int
cmp(const struct ditem *x, const struct ditem *y)
{
	const char *kx, *ky;
	size_t nx, ny;

	if (x->flags & y->flags & NUM1) {
		if (x->first != y->first)
			return x->first < y->first ? -1 : 1;
		/* same first field: the second decides, unless it ties too;
		 * numerically if both are numbers, else by bytes */
		if (x->flags & y->flags & HAS2 && x->second != y->second) {
			unsigned both = x->flags & y->flags, one = x->flags | y->flags;
			unsigned fx = FB(x), fy = FB(y);
			if (both & DIG2 ? both & NUM2 : !(one & NUM2))
				return x->second < y->second ? -1 : 1;
			/* a number against a field that is not: its first byte
			 * decides, when the other's is not a digit */
			if (!(both & DIG2) && (fx - '0' > 9 || fy - '0' > 9))
				return fx < fy ? -1 : 1;
		}
	}
	kx = reckey(x->ref, &nx);
	ky = reckey(y->ref, &ny);
	return fl_keycmp(kx, nx, ky, ny);
}

static int
shortnum(const char *k, size_t n, uint64_t *v)
{
	return n > 0 && n <= 18 && (k[0] != '0' || n == 1) && fl_udec(k, n, UINT64_MAX, v) == 0;
}

/* fieldlen -- the bytes up to a TAB or the end. Fields are short: a loop
 * beats a call to memchr, and reads no byte past the key (memchr's wide
 * loads would pull in the next cache line, seldom already there) */
static size_t
fieldlen(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\t'; i++)
		;
	return i;
}

static void
decorate(uint32_t ref, struct ditem *it)
{
	size_t len, n, j;
	const char *k = reckey(ref, &len);

	n = fieldlen(k, len);
	for (j = 0, it->pre = 0; j < 8; j++)
		it->pre = it->pre << 8 | (j < len ? (unsigned char)k[j] : 0);
	it->ref = ref;
	it->flags = 0;
	it->first = it->second = 0;
	if (shortnum(k, n, &it->first))
		it->flags |= NUM1;
	if (n < len) {
		const char *s = k + n + 1;
		it->flags |= HAS2;
		n = fieldlen(s, len - n - 1);
		if (fl_isdigits(s, n))
			it->flags |= DIG2;
		if (n)
			it->flags |= (uint32_t)(unsigned char)s[0] << 8;
		if (shortnum(s, n, &it->second)) {
			it->flags |= NUM2;
		} else {
			/* a byte prefix decides only where it differs: bytes past
			 * the field are zeros, below any byte but NUL, and a key
			 * with NUL ties here and goes to fl_keycmp */
			for (j = 0; j < 8; j++)
				it->second = it->second << 8 | (j < n ? (unsigned char)s[j] : 0);
		}
	}
}

/* bytes -- the keys' bytes alone, a total order */
static int
bytes(const struct ditem *x, const struct ditem *y)
{
	const char *kx, *ky;
	size_t nx, ny;
	int c;

	if (x->pre != y->pre)
		return x->pre < y->pre ? -1 : 1;
	kx = reckey(x->ref, &nx);
	ky = reckey(y->ref, &ny);
	c = memcmp(kx, ky, nx < ny ? nx : ny);
	return c ? c : (nx > ny) - (nx < ny);
}

/* msort -- a stable bottom-up merge sort of n items by by(), tmp as large;
 * the items move by assignment, not by memcpy calls as qsort's would */
static struct ditem *
msort(struct ditem *a, struct ditem *tmp, size_t n,
    int (*by)(const struct ditem *, const struct ditem *))
{
	size_t width, i;

	/* runs of 8 by insertion first: fewer passes over memory */
	for (i = 0; i < n; i += 8) {
		size_t e = i + 8 < n ? i + 8 : n, j, k;
		for (j = i + 1; j < e; j++) {
			struct ditem t = a[j];
			for (k = j; k > i && by(&t, &a[k - 1]) < 0; k--)
				a[k] = a[k - 1];
			a[k] = t;
		}
	}
	for (width = 8; width < n; width *= 2) {
		struct ditem *t;
		for (i = 0; i < n; i += 2 * width) {
			size_t l = i, m = i + width < n ? i + width : n;
			size_t h = i + 2 * width < n ? i + 2 * width : n, r = m, o = i;
			while (l < m && r < h)
				tmp[o++] = by(&a[r], &a[l]) < 0 ? a[r++] : a[l++];
			while (l < m)
				tmp[o++] = a[l++];
			while (r < h)
				tmp[o++] = a[r++];
		}
		t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/* fieldkey -- the length of the field at s (up to a TAB or n bytes), and
 * its sort key: the top two bits a class, the rest its value or prefix;
 * *fl gets UNSURE or ODDNUM, and *key is left alone for UNSURE.
 *   1: empty, or the first byte is below '0': by bytes, before numbers;
 *   2: all digits: by value (over 18 digits after the leading zeros: all
 *      the same, the largest); equal values tie;
 *   3: the first byte is above '9': by bytes, after numbers.
 * A byte key is the first 7 bytes, zero-padded: where two differ, it is
 * the order of the bytes; where they agree, the items tie. A field that
 * starts with a digit but is not all digits has no key (UNSURE): it
 * compares by bytes with every other field, numbers included.
 * One pass over the bytes: each loop exit costs a mispredicted branch. */
static size_t
fieldkey(const unsigned char *s, size_t n, uint64_t *key, unsigned *fl)
{
	uint64_t v = 0;
	unsigned other = 0;
	size_t i, z;

	for (i = 0; i < n && s[i] != '\t'; i++) {
		unsigned d = (unsigned)s[i] - '0';
		other |= d > 9;
		v = v * 10 + d;          /* wraps where unused */
	}
	*fl = 0;
	if (i && (unsigned)s[0] - '0' <= 9) {
		if (other) {
			*fl = UNSURE;
			return i;
		}
		if (s[0] == '0' && i > 1) {
			*fl = ODDNUM;
			for (z = 0; z + 1 < i && s[z] == '0'; z++)
				;
		} else {
			z = 0;
		}
		if (i - z > 18) {
			*fl = ODDNUM;
			v = ((uint64_t)1 << 62) - 1;
		}
		*key = NUMKEY(v);
		return i;
	}
	for (z = 0, v = 0; z < 7; z++)
		v = v << 8 | (z < i ? s[z] : 0);
	*key = (uint64_t)(i && s[0] > '9' ? 3 : 1) << 62 | v << 6;
	return i;
}

/* hint -- start loading the records of n items: the items of a group are
 * spread over the arena, and the loads overlap when they are started
 * together; a prefetch where the compiler has one (a macro: a function
 * that only prefetches counts as pure, and its calls are dropped), else a
 * plain load kept in a volatile */
#if defined(__GNUC__) || defined(__clang__)
#define hint(a, n) do { \
	const struct item *hint_a = (a); \
	size_t hint_i, hint_n = (n); \
	for (hint_i = 0; hint_i < hint_n; hint_i++) \
		if (hint_a[hint_i].ref < dbase) \
			__builtin_prefetch(REC(sorting, hint_a[hint_i].ref)); \
} while (0)
#else
static void
hint(const struct item *a, size_t n)
{
	static volatile unsigned char sink;
	unsigned char x = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].ref < dbase)
			x ^= *REC(sorting, a[i].ref);
	sink = x;
}
#endif

/* usort -- n items of one count by cmp, in place. Where the rule goes
 * round in a circle, what a sort by it leaves depends on the order the
 * items come in: they come sorted by their bytes first, so that the
 * order the keys were added in makes no difference. */
static void
usort(struct item *a, size_t n)
{
	struct ditem *d;
	size_t i;

	if (n > dcap) {
		free(dbuf);
		dcap = n;
		dbuf = emalloc(dcap * 2 * sizeof(*dbuf));
	}
	for (i = 0; i < n; i++)
		decorate(a[i].ref, &dbuf[i]);
	d = msort(dbuf, dbuf + n, n, bytes);
	d = msort(d, d == dbuf ? dbuf + n : dbuf, n, cmp);
	for (i = 0; i < n; i++)
		a[i].ref = d[i].ref;
}

static void rsort(struct item *a, struct item *t, size_t n, int lvl);

/* ties -- n items that agree on the key of level lvl: sorted by the key
 * of the next field where it is usable, else by cmp. Items whose field is
 * UNSURE are sorted by cmp apart, then merged in as the others are
 * printed (emit), by that field's bytes. */
static void
ties(struct item *a, struct item *t, size_t n, int lvl)
{
	struct item ubuf[NUNSURE], *u;
	size_t i, j, len, f;
	const unsigned char *k;
	unsigned fl, any = 0;

	if (lvl == 0)
		cur = ~a->k;
	if (n == 1) {
		emit(a->ref);
		return;
	}
	if (lvl == 1) {
		/* the same count and first field, if its key is a plain number:
		 * equal byte prefixes or 07 beside 7 are not the same field */
		for (i = 0; i < n && (a[i].fl & 0xff) == 0; i++)
			;
		if (i < n || a->k >> 62 != 2)
			lvl = 2;
	}
	if (lvl >= 2) {
		usort(a, n);
		for (i = 0; i < n && left; i++)
			emit(a[i].ref);
		return;
	}
	hint(a, n < HINT ? n : HINT);
	for (i = 0; i < n; i++) {
		if (i % HINT == 0)
			hint(a + i + HINT, i + 2 * HINT <= n ? HINT : n - i > HINT ? n - i - HINT : 0);
		if (a[i].ref >= dbase) {        /* a direct row: keys made ahead */
			uint32_t x = a[i].ref - dbase;
			if (lvl == 0) {
				a[i].k = NUMKEY(x & 0xffff);
				a[i].fl = (unsigned)(dt->plen[x & 0xffff] - 1) << 8;
				continue;
			}
			a[i].k = dt->nkey[x >> 16];
			a[i].fl = fl = dt->nfl[x >> 16];
			any |= fl;
			continue;
		}
		k = (const unsigned char *)reckey(a[i].ref, &len);
		if (lvl == 0) {
			f = fieldkey(k, len, &a[i].k, &fl);
			/* the first field's length, for level 1 */
			a[i].fl = fl | (f < FLEN ? (unsigned)f : FLEN) << 8;
		} else {
			f = a[i].fl >> 8;
			if (f == FLEN)
				f = fieldlen((const char *)k, len);
			if (f == len) {
				a[i].k = 0;    /* no second field: first */
				fl = 0;
			} else {
				fieldkey(k + f + 1, len - f - 1, &a[i].k, &fl);
			}
			a[i].fl = fl;
		}
		any |= fl;
	}
	if (!(any & UNSURE)) {
		rsort(a, t, n, lvl + 1);
		return;
	}
	/* the UNSURE ones to the end, in order; there are seldom many, and
	 * a buffer of them on the stack leaves t's pages untouched */
	for (i = f = 0; i < n && f <= NUNSURE; i++)
		f += a[i].fl & UNSURE;
	u = f <= NUNSURE ? ubuf : t;
	for (i = j = f = 0; i < n; i++) {
		if (a[i].fl & UNSURE)
			u[f++] = a[i];
		else
			a[j++] = a[i];
	}
	memmove(a + j, u, f * sizeof(*a));
	usort(a + j, f);
	merge[nmerge].u = a + j;
	merge[nmerge].n = f;
	merge[nmerge].next = 0;
	merge[nmerge].field = lvl;
	nmerge++;
	if (j)
		rsort(a, t, j, lvl + 1);
	nmerge--;
	for (i = merge[nmerge].next; i < f && left; i++)
		emit(a[j + i].ref);
}

/* runs -- each run of equal keys of n sorted items to ties, in order */
static void
runs(struct item *a, struct item *t, size_t n, int lvl)
{
	size_t i, b;

	for (i = 0; i < n && left; i = b) {
		for (b = i + 1; b < n && a[b].k == a[i].k; b++)
			;
		ties(a + i, t + i, b - i, lvl);
	}
}

/* rsort -- sort n items of a by k, t as large for scratch, and hand each
 * run of equal keys to ties in order */
static void
rsort(struct item *a, struct item *t, size_t n, int lvl)
{
	size_t cnt[256], i, b, at;
	uint64_t and = ~(uint64_t)0, or = 0, diff, down = 0;
	unsigned sh;

	if (left == 0)
		return;
	if (n <= SMALL) {
		for (i = 1; i < n; i++) {
			struct item x = a[i];
			size_t j;
			for (j = i; j > 0 && a[j - 1].k > x.k; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		runs(a, t, n, lvl);
		return;
	}
	for (i = 0; i < n; i++) {
		and &= a[i].k;
		or |= a[i].k;
		down |= i && a[i - 1].k > a[i].k;
	}
	diff = and ^ or;
	if (diff == 0) {
		ties(a, t, n, lvl);
		return;
	}
	if (!down) {             /* in order already (as a stable sort leaves it) */
		runs(a, t, n, lvl);
		return;
	}
	for (sh = 56; !(diff >> sh & 0xff); sh -= 8)
		;
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < n; i++)
		cnt[a[i].k >> sh & 0xff]++;
	for (b = 0, at = 0; b < 256; b++) {
		size_t c = cnt[b];
		cnt[b] = at;
		at += c;
	}
	for (i = 0; i < n; i++)
		t[cnt[a[i].k >> sh & 0xff]++] = a[i];
	/* cnt[b] is now the end of bucket b */
	for (b = 0, at = 0; b < 256 && left; b++) {
		if (cnt[b] > at)
			rsort(t + at, a + at, cnt[b] - at, lvl);
		at = cnt[b];
	}
}

/* fl_rows_print -- the rows of the map and at most nd direct rows: next
 * gives each in turn (FL_ROW_DIRECT: *key and *count; FL_ROW_MAP: the
 * map's next record), then 0; or, if NULL, the map's records are the rows
 * in their own order. The slots are not needed to print: their memory, already
 * mapped, goes to the sort (the next get rebuilds them). The number of
 * rows printed. */
uint64_t
fl_rows_print(struct fl_map *m, size_t nd, fl_rowfn *next, void *arg, uint64_t limit)
{
	struct item *it;
	size_t i, pos = 0, n, nrow;
	uint64_t *v, c;
	uint32_t key;
	const char *k;
	int r;

	nrow = m->nent + nd;
	if (nrow == 0 || limit == 0) {
		free(m->slot);
		m->slot = NULL;
		return 0;
	}
	if (nrow > SIZE_MAX / 2 / sizeof(*it) || m->narena / 8 > UINT32_MAX - (1u << 24))
		fl_die(1, "too many distinct keys");
	/* the map's slots if they are half the room or more (mapped already),
	 * else a fresh array on huge pages */
	if (m->slot && ((size_t)1 << m->bits) * sizeof(*m->slot) >= nrow * sizeof(*it)) {
		it = erealloc(m->slot, nrow * 2 * sizeof(*it));
	} else {
		free(m->slot);
		it = fl_bigalloc(nrow * 2 * sizeof(*it));
	}
	m->slot = NULL;
	dbase = (uint32_t)(m->narena / 8);
	for (i = 0; (r = next ? next(arg, &key, &c) : i < nrow ? FL_ROW_MAP : 0); i++) {
		if (i == nrow)
			fl_die(1, "fl_rows_print: more than %zu rows", nrow);
		if (r == FL_ROW_DIRECT) {
			it[i].k = ~c;
			it[i].ref = dbase + (key & 0xffffff);
		} else if (fl_map_next(m, &pos, &v, &k, &n)) {
			it[i].k = ~*v;
			it[i].ref = (uint32_t)((size_t)((const unsigned char *)k - FL_MAPHDR - m->arena) / 8);
		} else {
			fl_die(1, "fl_rows_print: the map has only %zu rows", m->nent);
		}
		it[i].fl = 0;
	}
	nrow = i;
	sorting = m;
	left = limit;
	nmerge = 0;
	if (nd)
		texts();
	rsort(it, it + nrow, nrow, 0);
	free(it);
	free(dbuf);
	dbuf = NULL;
	dcap = 0;
	return limit - left;
}

/* fl_map_print -- "key<TAB>count" lines, at most limit */
void
fl_map_print(struct fl_map *m, uint64_t limit)
{
	fl_rows_print(m, 0, NULL, NULL, limit);
}
