/* fuzz_tsv -- the TSV side of the filters. The input goes to a temporary
 * file and is read back with fl_rd (maxline chosen by the first byte, so
 * that cut lines are common), each line checked against a reference
 * splitter. Then, on those lines: fl_keycmp (a total order: antisymmetric,
 * transitive on neighbours, 0 only for equal bytes), fl_map_get (counts
 * match), fl_map_print (the rows in the order of a plain sort by count and
 * fl_keycmp where that order is well defined, else at least by count, each
 * key once; gets still work after it), fl_csv_putfield (written to a file on fd 1, parsed back with
 * fl_csv_next), fl_proto_parse, fl_udec and fl_utoa against references. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"
#include "rd.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define MAXLINES 4200

int LLVMFuzzerInitialize(int *argc, char ***argv);

static FILE *quiet;

static char inpath[] = "/tmp/fuzz_tsv_in.XXXXXX";
static char outpath[] = "/tmp/fuzz_tsv_out.XXXXXX";
static int infd = -1;

static void
rmtemp(void)
{
	unlink(inpath);
	unlink(outpath);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int out;

	(void)argc;
	(void)argv;
	/* the library's messages to /dev/null, but not fd 2: libFuzzer and
	 * the sanitizers report there (libFuzzer keeps its own FILE for it) */
	if (!getenv("FUZZ_VERBOSE") && (quiet = fopen("/dev/null", "w")) != NULL)
		stderr = quiet;
	if ((infd = mkstemp(inpath)) < 0 || (out = mkstemp(outpath)) < 0)
		abort();
	atexit(rmtemp);
	/* fl_put writes to fd 1: a file we can read back */
	if (dup2(out, 1) < 0)
		abort();
	close(out);
	return 0;
}

static int
sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

/* refudec -- digits only, at least one, value <= max; by comparing the
 * digit strings, not by arithmetic */
static int
refudec(const char *s, size_t n, uint64_t max)
{
	char mx[24];
	size_t i, mn;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	while (n > 1 && *s == '0') {
		s++;
		n--;
	}
	mn = (size_t)(fl_utoa(mx, max) - mx);
	if (n != mn)
		return n < mn ? 0 : -1;
	return memcmp(s, mx, n) <= 0 ? 0 : -1;
}

static void
numbers(const char *s, size_t n, const uint8_t *data, size_t size)
{
	static const uint64_t maxes[] = { 0, 9, 10, 255, 65535, 99999, UINT64_MAX / 10,
		UINT64_MAX - 1, UINT64_MAX };
	uint64_t v, mx;
	char tmp[24];
	size_t i, tn;
	int p;

	for (i = 0; i < sizeof(maxes) / sizeof(maxes[0]) + 1; i++) {
		if (i < sizeof(maxes) / sizeof(maxes[0]))
			mx = maxes[i];
		else if (size >= 8)
			memcpy(&mx, data + size - 8, 8);
		else
			break;
		v = 12345;
		p = fl_udec(s, n, mx, &v);
		CHECK(p == refudec(s, n, mx));
		if (p == 0) {
			CHECK(v <= mx);
			tn = (size_t)(fl_utoa(tmp, v) - tmp);
			CHECK(fl_udec(tmp, tn, mx, &mx) == 0 && mx == v);
		}
	}
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	CHECK(fl_isdigits(s, n) == (n > 0 && i == n));
	p = fl_proto_parse(s, n);
	CHECK(p >= -1 && p <= 255);
	if (p >= 0 && fl_udec(s, n, 255, &v) < 0) {
		size_t len, j;
		const char *name = fl_proto_name((unsigned)p, &len);
		int same = len == n;
		for (j = 0; same && j < n; j++) {
			int c = (unsigned char)s[j];
			if (c >= 'A' && c <= 'Z')
				c += 32;
			same = c == name[j];
		}
		CHECK(same || (p == 84 && n == 4));   /* 84 is also iptm */
		CHECK(fl_proto_has_keyword((unsigned)p));
	}
	{
		const char *q = fl_quote(s, n);
		size_t qn = strlen(q), j;
		CHECK(qn <= 4 * 40 + 3);
		for (j = 0; j < qn; j++)
			CHECK((unsigned char)q[j] >= 0x20 && q[j] != 0x7f);
	}
}

/* roundtrip -- the TAB-separated fields of a line as one CSV record through
 * fl_csv_putfield, read back by fl_csv_next */
static void
roundtrip(const char *s, size_t n)
{
	static char back[8192];
	const char *f[64];
	size_t fn[64], len;
	int nf = 0, i;
	ssize_t r;
	struct fl_csv c;
	const char *p = s, *e = s + n;

	if (n == 0 || n > 2000 || memchr(s, '\n', n) || (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0))
		return;
	for (;;) {
		const char *t = memchr(p, '\t', (size_t)(e - p));
		size_t l = t ? (size_t)(t - p) : (size_t)(e - p);
		if (nf == 64)
			return;
		/* blanks and CR at the edges of an unquoted field are trimmed */
		if (l && (p[0] == ' ' || p[0] == '\r' || p[l - 1] == ' ' || p[l - 1] == '\r'))
			return;
		f[nf] = p;
		fn[nf++] = l;
		if (!t)
			break;
		p = t + 1;
	}
	if (nf == 1 && fn[0] == 0)
		return;
	if (ftruncate(1, 0) < 0 || lseek(1, 0, SEEK_SET) < 0)
		abort();
	for (i = 0; i < nf; i++) {
		if (i)
			fl_putc(',');
		fl_csv_putfield(f[i], fn[i]);
	}
	fl_putc('\n');
	fl_flush();
	r = pread(1, back, sizeof(back), 0);
	CHECK(r > 0 && (size_t)r < sizeof(back));
	len = (size_t)r;
	fl_csv_init(&c, back, len);
	CHECK(fl_csv_next(&c) == 1);
	CHECK(c.err == NULL);
	CHECK(c.nf == nf);
	for (i = 0; i < nf; i++)
		CHECK(c.fn[i] == fn[i] && memcmp(c.f[i], f[i], fn[i]) == 0);
	CHECK(fl_csv_next(&c) == 0);
}

static struct { const char *s; size_t n; } line[MAXLINES];

/* sameshape -- same number of fields, each a number in both or in neither.
 * fl_keycmp is transitive only then: numbers compare numerically, and a
 * number with a non-number by bytes, so 10 > 2 > 1x > 10 (as the SPEC's
 * rule says; real keys always have the same shape) */
static int
sameshape(size_t a, size_t b)
{
	const char *p = line[a].s, *q = line[b].s, *pe = p + line[a].n, *qe = q + line[b].n;

	for (;;) {
		const char *tp = memchr(p, '\t', (size_t)(pe - p)), *tq = memchr(q, '\t', (size_t)(qe - q));
		size_t fp = tp ? (size_t)(tp - p) : (size_t)(pe - p);
		size_t fq = tq ? (size_t)(tq - q) : (size_t)(qe - q);
		if (fl_isdigits(p, fp) != fl_isdigits(q, fq) || !tp != !tq)
			return 0;
		if (!tp)
			return 1;
		p = tp + 1;
		q = tq + 1;
	}
}

/* the distinct keys of a map as the reference sees them */
static struct ref { const char *k; size_t n; uint64_t v; } ref[MAXLINES];

static int
refcmp(const struct ref *a, const struct ref *b)
{
	if (a->v != b->v)
		return a->v > b->v ? -1 : 1;
	return fl_keycmp(a->k, a->n, b->k, b->n);
}

/* printed -- fl_map_print's output, read back, against a plain insertion
 * sort by count and fl_keycmp. The comparison can go round in a circle
 * (10 > 2 > 1x > 10); where every key beats a different number of the
 * others it does not, the order is the one order, and the output must be
 * it. Otherwise every key once, counts descending. */
static void
printed(struct fl_map *m, uint64_t limit)
{
	static char back[MAXLINES * 64];
	size_t nk = 0, pos = 0, i, j, kn, want, off;
	uint64_t *vp;
	const char *kp;
	int total = 1;
	ssize_t r;

	while (fl_map_next(m, &pos, &vp, &kp, &kn)) {
		ref[nk].k = kp;
		ref[nk].n = kn;
		ref[nk].v = *vp;
		if (kn > 40 || nk == 600)
			return;     /* too long to read back, or to sort here */
		nk++;
	}
	for (i = 1; i < nk; i++) {
		struct ref t = ref[i];
		for (j = i; j > 0 && refcmp(&t, &ref[j - 1]) < 0; j--)
			ref[j] = ref[j - 1];
		ref[j] = t;
	}
	if (nk <= 300) {
		static unsigned char seen[300];
		memset(seen, 0, nk);
		for (i = 0; i < nk && total; i++) {
			size_t wins = 0;
			for (j = 0; j < nk; j++)
				wins += j != i && refcmp(&ref[i], &ref[j]) < 0;
			total = !seen[wins];
			seen[wins] = 1;
		}
	} else {
		total = 0;
	}
	if (ftruncate(1, 0) < 0 || lseek(1, 0, SEEK_SET) < 0)
		abort();
	fl_map_print(m, limit);
	fl_flush();
	r = pread(1, back, sizeof(back), 0);
	CHECK(r >= 0 && (size_t)r < sizeof(back));
	want = nk < limit ? nk : (size_t)limit;
	for (i = off = 0; i < want; i++) {
		char num[24];
		size_t nn = (size_t)(fl_utoa(num, ref[i].v) - num);
		const char *row = back + off, *nl = memchr(row, '\n', (size_t)r - off);
		size_t rn;
		uint64_t v;
		CHECK(nl != NULL);
		rn = (size_t)(nl - row);
		if (total) {
			CHECK(rn == ref[i].n + 1 + nn && memcmp(row, ref[i].k, ref[i].n) == 0 &&
			    row[ref[i].n] == '\t' && memcmp(row + ref[i].n + 1, num, nn) == 0);
		} else {
			/* by count; the key is one of the map's, with its count */
			const char *t = row + rn;
			uint64_t *got;
			while (t > row && t[-1] != '\t')
				t--;
			CHECK(t > row && fl_udec(t, (size_t)(row + rn - t), UINT64_MAX, &v) == 0);
			CHECK(v == ref[i].v);
			got = fl_map_get(m, row, (size_t)(t - 1 - row), 0);
			CHECK(got != NULL && *got == v);
		}
		off += rn + 1;
	}
	CHECK(off == (size_t)r);
	if (!total) {
		/* each key once */
		struct fl_map once;
		fl_map_init(&once);
		for (i = 0, pos = 0; i < want; i++) {
			const char *nl = memchr(back + pos, '\n', (size_t)r - pos);
			const char *t = nl;
			while (t[-1] != '\t')
				t--;
			vp = fl_map_get(&once, back + pos, (size_t)(t - 1 - (back + pos)), 1);
			CHECK(*vp == 0);
			*vp = 1;
			pos = (size_t)(nl - back) + 1;
		}
		fl_map_free(&once);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t maxlines[] = { 1, 7, 64, 4096, 1024 * 1024 };
	struct fl_rd r;
	struct fl_map m;
	size_t maxline, nl = 0, i, off = 0;
	char *s;
	size_t n;
	int k;
	uint64_t total = 0;

	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return 0;    /* gzip: a fork per input is too slow; the bats suite covers it */
	maxline = maxlines[size ? data[0] % 5 : 0];
	if (ftruncate(infd, 0) < 0 || pwrite(infd, data, size, 0) != (ssize_t)size)
		abort();
	if (fl_rd_open(&r, inpath, maxline) < 0)
		abort();
	/* the reference: segments between '\n' */
	while ((k = fl_rd_line(&r, &s, &n)) > 0) {
		const uint8_t *seg = data + off, *end;
		size_t sl, want;
		CHECK(off < size);
		end = memchr(seg, '\n', size - off);
		sl = end ? (size_t)(end - seg) : size - off;
		CHECK(r.lineoff == off);
		CHECK(r.lineno == nl + 1);
		if (sl > maxline) {
			CHECK(r.toolong && n == maxline);
			want = maxline;
		} else {
			CHECK(!r.toolong);
			want = sl && seg[sl - 1] == '\r' ? sl - 1 : sl;
			CHECK(n == want);
		}
		CHECK(memcmp(s, seg, want) == 0);
		off += sl + (end != NULL);
		CHECK(r.off == off);
		if (nl < MAXLINES) {
			line[nl].s = (const char *)seg;
			line[nl].n = want;
		}
		nl++;
	}
	CHECK(k == 0);
	CHECK(off == size);
	CHECK(fl_rd_close(&r) == 0);
	if (nl > MAXLINES)
		nl = MAXLINES;

	fl_map_init(&m);
	for (i = 0; i < nl; i++) {
		uint64_t *v = fl_map_get(&m, line[i].s, line[i].n, 1);
		++*v;
		CHECK(sign(fl_keycmp(line[i].s, line[i].n, line[i].s, line[i].n)) == 0);
		if (i) {
			int ab = fl_keycmp(line[i - 1].s, line[i - 1].n, line[i].s, line[i].n);
			int ba = fl_keycmp(line[i].s, line[i].n, line[i - 1].s, line[i - 1].n);
			CHECK(sign(ab) == -sign(ba));
			CHECK((ab == 0) == (line[i - 1].n == line[i].n &&
			    memcmp(line[i - 1].s, line[i].s, line[i].n) == 0));
			if (i > 1 && sameshape(i - 2, i - 1) && sameshape(i - 1, i)) {
				int bc = ab;
				int ab2 = fl_keycmp(line[i - 2].s, line[i - 2].n, line[i - 1].s, line[i - 1].n);
				int ac = fl_keycmp(line[i - 2].s, line[i - 2].n, line[i].s, line[i].n);
				if (ab2 <= 0 && bc <= 0)
					CHECK(ac <= 0);
				if (ab2 >= 0 && bc >= 0)
					CHECK(ac >= 0);
			}
		}
		numbers(line[i].s, line[i].n, data, size);
		if (i < 8)    /* four system calls each: the slow part */
			roundtrip(line[i].s, line[i].n);
	}
	{
		size_t pos = 0, kn, nk = 0;
		uint64_t *vp;
		const char *kp;
		while (fl_map_next(&m, &pos, &vp, &kp, &kn)) {
			total += *vp;
			nk++;
		}
		CHECK(nk == m.nent);
	}
	CHECK(total == nl);
	for (i = 0; i < nl; i++) {
		uint64_t *v = fl_map_get(&m, line[i].s, line[i].n, 0);
		size_t j, cnt = 0;
		CHECK(v != NULL);
		if (i < 32) {
			for (j = 0; j < nl; j++)
				cnt += line[j].n == line[i].n && memcmp(line[j].s, line[i].s, line[i].n) == 0;
			CHECK(*v == cnt);
		}
	}
	printed(&m, nl > 1 && data[size - 1] % 4 == 0 ? data[size - 2] % 16 : UINT64_MAX);
	for (i = 0; i < nl; i++)    /* the slots rebuilt after the print */
		CHECK(fl_map_get(&m, line[i].s, line[i].n, 0) != NULL);
	CHECK(fl_map_get(&m, "\n", 1, 0) == NULL);
	fl_map_free(&m);
	return 0;
}
