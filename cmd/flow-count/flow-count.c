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
 * no hash, no key to compare. They join the map only to be sorted. The
 * first other key ends the fast path: the rows so far join the map then,
 * in the order they came (where the sort rule goes round in a circle, the
 * order of the rows depends on it), and the rest goes there too. */
static struct {
	uint64_t *cnt;           /* 65536 counts */
	uint64_t *seen;          /* 65536 bits: the port has a row */
} direct[256];
static uint32_t *order;          /* protocol << 16 | port, as they came */
static size_t norder, caporder;
static int nodirect;             /* the fast path is over */
static struct name {             /* names looked up, by first byte */
	char s[24];
	size_t n;
	unsigned proto;
} names[256];

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

static void
flush(void)
{
	size_t i;

	for (i = 0; i < npend; i++)
		count(pendname, pend[i].lineno, pend[i].k, pend[i].n, pend[i].h, pend[i].v);
	npend = 0;
}

/* portproto -- whether the key is "port<TAB>name", both as flow-parse
 * writes them: no leading zero, the protocol's own name */
static int
portproto(const char *s, size_t n, unsigned *port, unsigned *proto)
{
	unsigned v = 0, d;
	size_t i, ln, cl;
	const char *nm, *cn;
	int p;
	struct name *c;

	for (i = 0; i < n && i < 6 && (d = (unsigned)(unsigned char)s[i] - '0') <= 9; i++)
		v = v * 10 + d;
	if (i == 0 || i == n || s[i] != '\t' || v > 65535 || (s[0] == '0' && i > 1))
		return 0;
	nm = s + i + 1;
	ln = n - i - 1;
	if (ln == 0)
		return 0;
	c = &names[(unsigned char)nm[0]];
	if (ln == c->n && memcmp(nm, c->s, ln) == 0) {
		*proto = c->proto;
	} else {
		if (ln > sizeof(c->s) || (p = fl_proto_parse(nm, ln)) < 0)
			return 0;
		cn = fl_proto_name((unsigned)p, &cl);
		if (cl != ln || memcmp(cn, nm, ln) != 0)
			return 0;
		memcpy(c->s, nm, ln);
		c->n = ln;
		c->proto = *proto = (unsigned)p;
	}
	*port = v;
	return 1;
}

static void
adddirect(const char *name, uint64_t lineno, unsigned port, unsigned proto, uint64_t v)
{
	uint64_t *cnt, bit = (uint64_t)1 << (port % 64);

	if (!direct[proto].cnt) {
		direct[proto].cnt = ecalloc(65536, sizeof(uint64_t));
		direct[proto].seen = ecalloc(65536 / 64, sizeof(uint64_t));
	}
	if (!(direct[proto].seen[port / 64] & bit)) {
		if (norder == caporder) {
			caporder = caporder ? caporder * 2 : 4096;
			order = erealloc(order, caporder * sizeof(*order));
		}
		order[norder++] = (uint32_t)(proto << 16 | port);
		direct[proto].seen[port / 64] |= bit;
	}
	cnt = &direct[proto].cnt[port];
	if (*cnt > UINT64_MAX - v) {
		flush();         /* an earlier line may overflow first */
		fl_die(1, "%s:%llu: count overflows 64 bits", name, (unsigned long long)lineno);
	}
	*cnt += v;
}

/* portstr -- the decimal text of a port at p: its length */
static size_t
portstr(char *p, unsigned v)
{
	size_t n = v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1, i;

	for (i = n; i > 0; i--) {
		p[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	return n;
}

/* mapdirect -- the rows of the direct tables into the map, and the fast
 * path ends. Where other keys follow, the rows go in the order they came;
 * at the end, port by port (faster to walk, and the order of keys that
 * are all port and name does not change the output). */
static void
mapdirect(int atend)
{
	char key[32];
	const char *nm;
	size_t i, ln, kn, need = 0;
	unsigned proto, port, w;
	uint64_t bits;

	nodirect = 1;
	for (i = 0; i < norder; i++) {
		fl_proto_name(order[i] >> 16, &ln);
		need += fl_map_recsize(5 + 1 + ln);
	}
	fl_map_reserve(&map, need);
	for (i = 0; !atend && i < norder; i++) {
		proto = order[i] >> 16;
		port = order[i] & 0xffff;
		nm = fl_proto_name(proto, &ln);
		kn = portstr(key, port);
		key[kn++] = '\t';
		memcpy(key + kn, nm, ln);
		fl_map_append(&map, key, kn + ln, direct[proto].cnt[port]);
	}
	for (proto = 0; proto < 256; proto++) {
		if (!direct[proto].cnt)
			continue;
		nm = fl_proto_name(proto, &ln);
		for (w = 0; atend && w < 65536 / 64; w++) {
			bits = direct[proto].seen[w];
			for (port = w * 64; bits; port++, bits >>= 1) {
				if (!(bits & 1))
					continue;
				kn = portstr(key, port);
				key[kn++] = '\t';
				memcpy(key + kn, nm, ln);
				fl_map_append(&map, key, kn + ln, direct[proto].cnt[port]);
			}
		}
		free(direct[proto].cnt);
		free(direct[proto].seen);
		direct[proto].cnt = direct[proto].seen = NULL;
	}
	free(order);
	order = NULL;
	norder = caporder = 0;
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
		mapdirect(0);
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
	/* the batch is counted before fl_each's messages and at each file's end */
	if (optind == argc)
		fl_each("-", MAXLINE, add, flush);
	for (; optind < argc; optind++)
		fl_each(argv[optind], MAXLINE, add, flush);
	mapdirect(1);
	fl_map_print(&map, limit);
	fl_finish();
	return 0;
}
