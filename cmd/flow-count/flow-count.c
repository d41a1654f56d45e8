/* flow-count -- count identical lines, or sum the last column per key,
 * and print them by count descending, then key ascending */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"

#define MAXLINE (64 * 1024 * 1024)

static struct fl_map map;
static int summing;

/* Once the table is larger than the caches, each new key costs a miss on
 * its slot. The lines are then taken in batches: hashed, their slots
 * hinted, then counted in order, so that the misses overlap. */
#define BATCH 16
#define BATCHKEY 256             /* longer keys are counted at once */
#define BATCHBITS 15             /* from this table size on */
static struct {
	uint64_t h, v, lineno;
	size_t n;
	char k[BATCHKEY];
} pend[BATCH];
static size_t npend;
static const char *pendname;

/* Keys as flow-parse writes them, a port (a plain decimal 0..65535) and a
 * protocol's name, are counted in a table per protocol indexed by port:
 * no hash, no key to compare, and they are printed from these tables
 * (directprint). A count is a byte, which keeps the tables of many keys
 * within the caches; an addition that would pass 255 goes to a table of
 * 64-bit counts, made for its protocol then, added to the byte. The first
 * other key ends the fast path: the rows so far join the map then, in the
 * order they came (where the sort rule goes round in a circle, the order
 * of the rows depends on it), and the rest goes there too. */
#define BLKPORTS 16
#define NBLK (65536 / BLKPORTS)  /* blocks of ports */
static struct {
	unsigned char *lo;       /* 65536 counts up to 255 */
	uint64_t *hi;            /* 65536 counts beside, once one is needed */
	uint64_t *inhi;          /* 65536 bits: the key has a count in hi */
	uint64_t *zero;          /* 65536 bits: -s summed 0 into a new key */
} direct[256];
static uint64_t blk[256][NBLK / 64];  /* bits: the block of ports has a key */
static uint32_t *order;          /* protocol << 16 | port, as they came */
static size_t norder, caporder;
static int nodirect;             /* the fast path is over */
static int ones = 1;             /* every key was counted once, by 1 */
static uint64_t maxhi;           /* the largest count beside a byte */

/* Once there are many keys, their counts are spread over more memory
 * than the caches hold: the lines are then taken in batches, as for the
 * map, the counts hinted first. */
#define DBATCHFROM 32768
#define DBATCH 64
static struct {
	uint64_t v, lineno;
	uint32_t key;            /* protocol << 16 | port */
} dpend[DBATCH];
static size_t ndpend;

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p, 1)
#else
#define PREFETCH(p) ((void)0)
#endif

/* the protocols' own names, looked up by a hash of a few bytes */
#define NAMEMAX 16               /* longer names take the map */
#define NSLOT 1024
static struct {
	char s[NAMEMAX];
	unsigned char n, proto;
} nslot[NSLOT];

/* -f: the fields that make the line, numbered from 1 */
#define MAXSEL 64
#define MAXFIELD 1024
static unsigned sel[MAXSEL];
static size_t nsel;
static unsigned maxsel;          /* the largest of them */
static char *selbuf;
static size_t selcap;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout, "usage: flow-count [-s] [-f FIELDS] [-n N] [file ...]\n");
	exit(status);
}

static void
parsesel(const char *arg)
{
	const char *p = arg, *e;
	uint64_t v;

	for (nsel = 0, maxsel = 0;; p = e + 1) {
		if (!(e = strchr(p, ',')))
			e = p + strlen(p);
		if (nsel == MAXSEL || fl_udec(p, (size_t)(e - p), MAXFIELD, &v) < 0 || v == 0) {
			fl_warn("-f: '%s' is not a list of at most %d field numbers 1..%d",
			    arg, MAXSEL, MAXFIELD);
			usage(2);
		}
		sel[nsel++] = (unsigned)v;
		if (v > maxsel)
			maxsel = (unsigned)v;
		if (!*e)
			break;
	}
}

static void
count(const char *name, uint64_t lineno, const char *k, size_t n, uint64_t h, uint64_t v)
{
	uint64_t *cnt = fl_map_geth(&map, k, n, h, 1);

	if (*cnt > UINT64_MAX - v)
		fl_die(1, "%s:%llu: count overflows 64 bits", name, (unsigned long long)lineno);
	*cnt += v;
}

static unsigned
namehash(const char *s, size_t n)
{
	return ((unsigned char)s[0] * 61u + (unsigned char)s[n - 1] * 7u +
	    (unsigned char)s[n / 2] * 29u + (unsigned)n * 101u) & (NSLOT - 1);
}

static void
nameinit(void)
{
	unsigned p, h;
	const char *nm;
	size_t ln;

	for (p = 0; p < 256; p++) {
		nm = fl_proto_name(p, &ln);
		if (ln >= NAMEMAX)
			continue;
		for (h = namehash(nm, ln); nslot[h].n; h = (h + 1) & (NSLOT - 1))
			;
		memcpy(nslot[h].s, nm, ln);
		nslot[h].n = (unsigned char)ln;
		nslot[h].proto = (unsigned char)p;
	}
}

/* portproto -- whether the key is "port<TAB>name", both as flow-parse
 * writes them: no leading zero, the protocol's own name */
static int
portproto(const char *s, size_t n, unsigned *port, unsigned *proto)
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
	for (h = namehash(nm, ln); nslot[h].n; h = (h + 1) & (NSLOT - 1)) {
		if (nslot[h].n == ln && memcmp(nslot[h].s, nm, ln) == 0) {
			*proto = nslot[h].proto;
			*port = v;
			return 1;
		}
	}
	return 0;
}

/* bitat -- the bit of a port in a table of 65536 bits, 0 without one */
static int
bitat(const uint64_t *bits, unsigned port)
{
	return bits && (bits[port / 64] >> (port % 64) & 1);
}

/* dcount -- a key's count: hi is read only where inhi says it was written
 * (a read of an untouched page faults too) */
static uint64_t
dcount(unsigned proto, unsigned port)
{
	uint64_t v = direct[proto].lo[port];

	return bitat(direct[proto].inhi, port) ? v + direct[proto].hi[port] : v;
}

/* isnew -- whether the key whose byte is 0 has no row yet */
static int
isnew(unsigned proto, unsigned port)
{
	return !bitat(direct[proto].inhi, port) && !bitat(direct[proto].zero, port);
}

static void
newkey(unsigned proto, unsigned port, uint64_t v)
{
	if (norder == caporder) {
		caporder = caporder ? caporder * 2 : 4096;
		order = erealloc(order, caporder * sizeof(*order));
	}
	order[norder++] = (uint32_t)(proto << 16 | port);
	blk[proto][port / BLKPORTS / 64] |= (uint64_t)1 << (port / BLKPORTS % 64);
	if (v == 0) {
		if (!direct[proto].zero)
			direct[proto].zero = ecalloc(65536 / 64, sizeof(uint64_t));
		direct[proto].zero[port / 64] |= (uint64_t)1 << (port % 64);
	}
}

/* carry -- the byte of a key, lo, and v added to its 64-bit count; the
 * byte starts again from 0 */
static void
carry(const char *name, uint64_t lineno, unsigned proto, unsigned port, unsigned lo, uint64_t v)
{
	uint64_t *h;

	if (!direct[proto].hi) {
		direct[proto].hi = ecalloc(65536, sizeof(uint64_t));
		direct[proto].inhi = ecalloc(65536 / 64, sizeof(uint64_t));
	}
	direct[proto].inhi[port / 64] |= (uint64_t)1 << (port % 64);
	h = &direct[proto].hi[port];
	if (v > UINT64_MAX - lo - *h)
		fl_die(1, "%s:%llu: count overflows 64 bits", name, (unsigned long long)lineno);
	*h += lo + v;
	direct[proto].lo[port] = 0;
	if (*h > maxhi)
		maxhi = *h;
}

/* bump -- add v to a key's count */
static void
bump(const char *name, uint64_t lineno, uint32_t key, uint64_t v)
{
	unsigned proto = key >> 16, port = key & 0xffff;
	unsigned char *c = &direct[proto].lo[port];
	unsigned old = *c;

	if (old == 0 && isnew(proto, port)) {
		newkey(proto, port, v);
		ones &= v == 1;
	} else {
		ones = 0;
	}
	if (v <= 255 - old)
		*c = (unsigned char)(old + v);
	else
		carry(name, lineno, proto, port, old, v);
}

static void
flush(void)
{
	size_t i;

	for (i = 0; i < ndpend; i++)
		bump(pendname, dpend[i].lineno, dpend[i].key, dpend[i].v);
	ndpend = 0;
	for (i = 0; i < npend; i++)
		count(pendname, pend[i].lineno, pend[i].k, pend[i].n, pend[i].h, pend[i].v);
	npend = 0;
}

static void
adddirect(const char *name, uint64_t lineno, unsigned port, unsigned proto, uint64_t v)
{
	uint32_t key = (uint32_t)(proto << 16 | port);

	if (!direct[proto].lo)
		direct[proto].lo = ecalloc(65536, 1);
	if (ndpend == 0 && norder < DBATCHFROM) {
		bump(name, lineno, key, v);
		return;
	}
	PREFETCH(&direct[proto].lo[port]);
	dpend[ndpend].key = key;
	dpend[ndpend].v = v;
	dpend[ndpend].lineno = lineno;
	pendname = name;
	if (++ndpend == DBATCH)
		flush();
}

static void
freedirect(void)
{
	unsigned p;

	for (p = 0; p < 256; p++) {
		free(direct[p].lo);
		free(direct[p].hi);
		free(direct[p].inhi);
		free(direct[p].zero);
		memset(&direct[p], 0, sizeof(direct[p]));
		memset(blk[p], 0, sizeof(blk[p]));
	}
	free(order);
	order = NULL;
	norder = caporder = 0;
}

/* mapdirect -- the rows of the direct tables into the map, in the order
 * they came, and the fast path ends */
static void
mapdirect(void)
{
	char key[32];
	const char *nm;
	size_t i, ln, kn, need = 0;
	unsigned proto, port;

	flush();
	nodirect = 1;
	for (i = 0; i < norder; i++) {
		fl_proto_name(order[i] >> 16, &ln);
		need += fl_map_recsize(5 + 1 + ln);
	}
	fl_map_reserve(&map, need);
	for (i = 0; i < norder; i++) {
		proto = order[i] >> 16;
		port = order[i] & 0xffff;
		nm = fl_proto_name(proto, &ln);
		kn = (size_t)(fl_utoa(key, port) - key);
		key[kn++] = '\t';
		memcpy(key + kn, nm, ln);
		fl_map_append(&map, key, kn + ln, dcount(proto, port));
	}
	freedirect();
}

/* The rows of the direct tables, printed without the map: in the order
 * of fl_map_print, count descending, then port, then protocol name.
 *
 * The names are ranked once: numbers by value, then the other names by
 * bytes, as fl_keycmp orders them; a name that starts with a digit but is
 * no number (3pc) compares by bytes with all of them, which goes round in
 * a circle (61 < 200 by value, "200" < "3pc" < "61" by bytes). Such names
 * rank last, and within a group of rows of the same count and port each
 * is moved where count.c's merge puts it: before the first row whose name
 * is above it by bytes (circle).
 *
 * The tables are read a block of 16 ports at a time, each protocol's 16
 * counts together, and the rows of the block come out port by port in
 * rank order. If every key was counted once, they are printed from there;
 * else each row becomes a 64-bit item, (2^40 - 1 - count) above port and
 * rank, already in port and rank order: a stable radix sort by the bytes
 * of the count that are not all the same orders them. A count of 2^40 or
 * more takes the map. */
#define CBITS 40
#define OBUF (256 * 1024)
static unsigned char byrank[256];
static unsigned np, nsure;       /* protocols with rows; of them not 3pc-like */
static unsigned char (*above)[256];   /* [u - nsure][x]: name u < name x by bytes */
static uint64_t ptxt[65536];     /* a port's text and a TAB, ... */
static unsigned char plen[65536];     /* ... and its length */
static char ntxt[256][24];       /* by rank: the name and a TAB, and "1\n" */
static unsigned char nlen[256];  /* the name and the TAB */
static char *ob, *op;            /* output buffer, its end */
static uint64_t left;            /* rows still to print */

static int
unsure(const char *s, size_t n)
{
	return n > 0 && (unsigned)s[0] - '0' <= 9 && !fl_isdigits(s, n);
}

/* namecmp -- the rank order of two protocols' names */
static int
namecmp(unsigned a, unsigned b)
{
	size_t an, bn;
	const char *as = fl_proto_name(a, &an), *bs = fl_proto_name(b, &bn);
	int ua = unsure(as, an), ub = unsure(bs, bn), c;

	if (ua != ub)
		return ua - ub;
	if (!ua)
		return fl_keycmp(as, an, bs, bn);
	c = memcmp(as, bs, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

static void
rank(void)
{
	unsigned p, i, j, t;
	size_t an, bn, k;
	const char *as, *bs;
	int c;

	for (np = 0, p = 0; p < 256; p++)
		if (direct[p].lo)
			byrank[np++] = (unsigned char)p;
	for (i = 1; i < np; i++)
		for (j = i; j > 0 && namecmp(byrank[j - 1], byrank[j]) > 0; j--) {
			t = byrank[j];
			byrank[j] = byrank[j - 1];
			byrank[j - 1] = (unsigned char)t;
		}
	for (nsure = 0; nsure < np; nsure++) {
		as = fl_proto_name(byrank[nsure], &an);
		if (unsure(as, an))
			break;
	}
	if (nsure < np)
		above = ecalloc(np - nsure, sizeof(*above));
	for (i = nsure; i < np; i++) {
		as = fl_proto_name(byrank[i], &an);
		for (j = 0; j < nsure; j++) {
			bs = fl_proto_name(byrank[j], &bn);
			c = memcmp(as, bs, an < bn ? an : bn);
			above[i - nsure][j] = c < 0 || (c == 0 && an < bn);
		}
	}
	for (i = 0; i < np; i++) {
		as = fl_proto_name(byrank[i], &an);
		memcpy(ntxt[i], as, an);
		memcpy(ntxt[i] + an, "\t1\n", 3);
		nlen[i] = (unsigned char)(an + 1);
	}
	for (p = 0; p < 65536; p++) {
		char s[8] = { 0 };
		k = (size_t)(fl_utoa(s, p) - s);
		s[k++] = '\t';
		memcpy(&ptxt[p], s, 8);
		plen[p] = (unsigned char)k;
	}
}

/* circle -- the rows of one group (same count and port), in rank order:
 * the 3pc-like ones, last, go before the first row above them by bytes */
static void
circle(uint64_t *g, size_t n)
{
	uint64_t t[256];
	size_t i, j, u, k = 0;

	for (j = 0; j < n && (g[j] & 0xff) < nsure; j++)
		;
	for (u = j, i = 0; i < j; i++) {
		while (u < n && above[(g[u] & 0xff) - nsure][g[i] & 0xff])
			t[k++] = g[u++];
		t[k++] = g[i];
	}
	while (u < n)
		t[k++] = g[u++];
	memcpy(g, t, n * sizeof(*g));
}

static void
outflush(void)
{
	fl_put(ob, (size_t)(op - ob));
	op = ob;
}

/* onceport -- the rows of one port where every count is 1: rank[a] of the
 * block's protocols, 1 in c[a] where the port has a row */
static void
onceport(unsigned port, const unsigned char *act, unsigned char (*c)[BLKPORTS], unsigned j, size_t na)
{
	uint64_t g[256], pt = ptxt[port];
	size_t a, k, n;
	unsigned pl = plen[port];
	char *o;

	for (a = k = 0; a < na; a++) {
		g[k] = act[a];
		k += c[a][j];
	}
	if (k == 0)
		return;
	if (g[k - 1] >= nsure)
		circle(g, k);
	n = k < left ? k : (size_t)left;
	if (op - ob > OBUF - 256 * 64)
		outflush();
	for (o = op, a = 0; a < n; a++) {
		memcpy(o, &pt, 8);
		memcpy(o + pl, ntxt[g[a]], 24);
		o += pl + nlen[g[a]] + 2;
	}
	op = o;
	left -= n;
}

/* LSD radix sort of n items by the bytes of the count that differ */
static uint64_t *
csort(uint64_t *a, size_t n, uint64_t diff)
{
	uint64_t *t = NULL, *x;
	size_t cnt[256], i, at, c;
	unsigned sh;

	for (sh = 24; sh < 64; sh += 8) {
		if (!(diff >> sh & 0xff))
			continue;
		if (!t)
			t = emalloc(n * sizeof(*t));
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[a[i] >> sh & 0xff]++;
		for (i = 0, at = 0; i < 256; i++) {
			c = cnt[i];
			cnt[i] = at;
			at += c;
		}
		for (i = 0; i < n; i++)
			t[cnt[a[i] >> sh & 0xff]++] = a[i];
		x = a;
		a = t;
		t = x;
	}
	free(t);
	return a;
}

/* itemrows -- print n sorted items */
static void
itemrows(const uint64_t *it, size_t n)
{
	char cbuf[32];
	size_t i, cn = 0;
	uint64_t last = ~(uint64_t)0, c, pt;
	unsigned port, r;
	char *o = op;

	if (n > left)
		n = (size_t)left;
	for (i = 0; i < n; i++) {
		c = (((uint64_t)1 << CBITS) - 1) - (it[i] >> 24);
		if (c != last) {
			cbuf[0] = '\t';
			cn = (size_t)(fl_utoa(cbuf + 1, c) - cbuf);
			cbuf[cn++] = '\n';
			last = c;
		}
		if (o - ob > OBUF - 64) {
			op = o;
			outflush();
			o = op;
		}
		port = (unsigned)(it[i] >> 8 & 0xffff);
		r = (unsigned)(it[i] & 0xff);
		pt = ptxt[port];
		memcpy(o, &pt, 8);
		o += plen[port];
		memcpy(o, ntxt[r], 16);
		o += nlen[r] - 1;
		memcpy(o, cbuf, 24);
		o += cn;
	}
	op = o;
}

static void
directprint(uint64_t limit)
{
	static unsigned char c[256][BLKPORTS];
	unsigned char act[256];
	uint64_t *it = NULL, *s, and = ~(uint64_t)0, or = 0, v, x, m, z;
	size_t na, n = 0, a, i, e, g;
	unsigned b, r, j, p, port;

	flush();
	if (norder == 0 || limit == 0)
		return;
	if (maxhi >= ((uint64_t)1 << CBITS) - 256) {
		mapdirect();
		fl_map_print(&map, limit);
		return;
	}
	free(order);
	order = NULL;
	rank();
	left = limit;
	ob = op = emalloc(OBUF);
	if (!ones)
		it = emalloc((norder + 1) * sizeof(*it));
	for (b = 0; b < NBLK && left; b++) {
		for (na = 0, r = 0; r < np; r++)
			if (blk[byrank[r]][b / 64] >> (b % 64) & 1)
				act[na++] = (unsigned char)r;
		if (na == 0)
			continue;
		for (a = 0; a < na; a++)
			memcpy(c[a], direct[byrank[act[a]]].lo + b * BLKPORTS, sizeof(c[a]));
		if (ones) {
			for (j = 0; j < BLKPORTS && left; j++)
				onceport(b * BLKPORTS + j, act, c, j, na);
			continue;
		}
		for (j = 0; j < BLKPORTS; j++) {
			port = b * BLKPORTS + j;
			for (a = 0; a < na; a++) {
				p = byrank[act[a]];
				v = dcount(p, port);
				z = (uint64_t)bitat(direct[p].zero, port);
				m = -(uint64_t)(v != 0 || z);
				x = (((uint64_t)1 << CBITS) - 1 - v) << 24 | (uint64_t)port << 8 | act[a];
				it[n] = x;
				n += m & 1;
				and &= x | ~m;
				or |= x & m;
			}
		}
	}
	if (!ones) {
		s = csort(it, n, and ^ or);
		for (i = 0; nsure < np && i < n; i++) {
			if ((s[i] & 0xff) < nsure)
				continue;
			for (g = i; g > 0 && s[g - 1] >> 8 == s[i] >> 8; g--)
				;
			for (e = i + 1; e < n && s[e] >> 8 == s[i] >> 8; e++)
				;
			circle(s + g, e - g);
			i = e - 1;
		}
		itemrows(s, n);
		free(s);
	}
	outflush();
	free(ob);
	free(above);
	above = NULL;
	freedirect();
}

/* pick -- the fields of -f, joined by tabs; 0 if the line has too few */
static int
pick(const char **s, size_t *n)
{
	static const char *f[MAXFIELD + 1];
	static size_t fn[MAXFIELD + 1];
	const char *p = *s, *e = *s + *n, *t;
	size_t i, need;
	unsigned k;
	char *o;

	for (k = 1; k <= maxsel; k++) {
		if (!p)
			return 0;
		t = memchr(p, '\t', (size_t)(e - p));
		f[k] = p;
		fn[k] = t ? (size_t)(t - p) : (size_t)(e - p);
		p = t ? t + 1 : NULL;
	}
	for (i = 0, need = nsel; i < nsel; i++)
		need += fn[sel[i]];
	if (need > selcap) {
		selcap = need * 2;
		selbuf = erealloc(selbuf, selcap);
	}
	for (i = 0, o = selbuf; i < nsel; i++) {
		if (i)
			*o++ = '\t';
		memcpy(o, f[sel[i]], fn[sel[i]]);
		o += fn[sel[i]];
	}
	*s = selbuf;
	*n = (size_t)(o - selbuf);
	return 1;
}

static void
add(const char *name, uint64_t lineno, const char *s, size_t n)
{
	uint64_t v = 1, h;
	unsigned port, proto;

	if (nsel && !pick(&s, &n)) {
		size_t i, fields = 1;
		for (i = 0; i < n; i++)
			fields += s[i] == '\t';
		flush();
		fl_linewarn(name, lineno, "%zu fields, -f needs %u", fields, maxsel);
		return;
	}
	if (summing) {
		const char *tab = NULL, *p;
		for (p = s + n; p > s; p--)
			if (p[-1] == '\t') {
				tab = p - 1;
				break;
			}
		if (!tab) {
			flush();
			fl_linewarn(name, lineno, "no TAB-separated count");
			return;
		}
		if (fl_udec(tab + 1, (size_t)(s + n - tab - 1), UINT64_MAX, &v) < 0) {
			flush();
			fl_linewarn(name, lineno, "'%s' is not a count",
			    fl_quote(tab + 1, (size_t)(s + n - tab - 1)));
			return;
		}
		n = (size_t)(tab - s);
	}
	if (!nodirect) {
		if (portproto(s, n, &port, &proto)) {
			adddirect(name, lineno, port, proto, v);
			return;
		}
		mapdirect();
	}
	h = fl_map_hash(&map, s, n);
	if (map.bits < BATCHBITS || n > BATCHKEY) {
		flush();
		count(name, lineno, s, n, h, v);
		return;
	}
	fl_map_hint(&map, h);
	pend[npend].h = h;
	pend[npend].v = v;
	pend[npend].lineno = lineno;
	pend[npend].n = n;
	memcpy(pend[npend].k, s, n);
	pendname = name;
	if (++npend == BATCH)
		flush();
}

int
main(int argc, char *argv[])
{
	uint64_t limit = UINT64_MAX;
	int c;

	fl_setprog(argv[0]);
	signal(SIGPIPE, SIG_DFL);
	while ((c = getopt(argc, argv, "hsf:n:")) != -1) {
		switch (c) {
		case 'h': usage(0); break;
		case 's': summing = 1; break;
		case 'f': parsesel(optarg); break;
		case 'n':
			if (fl_udec(optarg, strlen(optarg), UINT64_MAX, &limit) < 0) {
				fl_warn("-n: '%s' is not a number", optarg);
				usage(2);
			}
			break;
		default: usage(2);
		}
	}
	fl_map_init(&map);
	nameinit();
	/* the batch is counted before fl_each's messages and at each file's end */
	if (optind == argc)
		fl_each("-", MAXLINE, add, flush);
	for (; optind < argc; optind++)
		fl_each(argv[optind], MAXLINE, add, flush);
	if (nodirect)
		fl_map_print(&map, limit);
	else
		directprint(limit);
	fl_finish();
	return 0;
}
