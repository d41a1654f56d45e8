/* fuzz_count -- the counting module (tally.c) through its interface. The
 * input is lines; each adds to one of two tallies, A and B:
 *   \001 KEY            fl_tally_line(B, KEY, 1)
 *   \002 V T KEY        fl_tally_line(A or B, KEY, value V)
 *   \003 P R V T        fl_tally_add(A or B, port P, protocol R, value V)
 *   \004 T (P R)...     fl_tally_keys(A or B, the keys R << 16 | P)
 *   \005                fl_tally_merge(A, B)
 *   \006 V              the limit of the rows printed
 *   \007 P R S T        fl_tally_line of a port and a name, spelled by S
 *   \010 KEY TAB N      fl_tally_line(A, KEY, the decimal N), as flow-count -s
 *   any other line      fl_tally_line(A, line, 1)
 * (P, R, V: indices into tables of ports, protocols and values; T: odd
 * for B.) So the TSV seeds count lines as flow-count does. At the end B
 * is merged into A, and A printed.
 *
 * The reference is a plain list of keys as text (a port and a protocol's
 * name as flow-parse writes them, whichever call added it) with their
 * sums, in the order they first came. It predicts each call's result (-1
 * where a sum would pass 2^64 - 1; calls that would end the program are
 * not made). The printed table must hold every key once with its sum,
 * counts descending, and be, row for row:
 *   - what fl_map_print prints of a map of the same keys, added in that
 *     order and in the reverse order (the one printer, whatever tables
 *     the tally kept the keys in, whatever order they came in, even
 *     where the rule goes round in a circle);
 *   - where the rule is no circle, the reference sorted by a plain
 *     comparator written from SPEC section 3. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"
#include "tally.h"

/* The module once more, as "small_tally_*", its sizes made small: keys
 * held back from the 4th row on (from a map's first key on), parts of 8
 * rows. Inputs of a few KB then take the paths meant for millions of
 * keys; each input runs through both builds. */
struct fl_tally *small_tally_new(void);
void small_tally_free(struct fl_tally *t);
void small_tally_keys(struct fl_tally *t, const uint32_t *keys, size_t n);
int small_tally_add(struct fl_tally *t, unsigned port, unsigned proto, uint64_t v);
int small_tally_line(struct fl_tally *t, const char *k, size_t n, uint64_t v);
int small_tally_merge(struct fl_tally *dst, struct fl_tally *src);
void small_tally_print(struct fl_tally *t, uint64_t limit);
#define fl_tally_new small_tally_new
#define fl_tally_free small_tally_free
#define fl_tally_keys small_tally_keys
#define fl_tally_add small_tally_add
#define fl_tally_line small_tally_line
#define fl_tally_merge small_tally_merge
#define fl_tally_print small_tally_print
#define AHEADFROM 4
#define MAPAHEAD 1
#define PART 8
#include "../../lib/tally.c"
#undef fl_tally_new
#undef fl_tally_free
#undef fl_tally_keys
#undef fl_tally_add
#undef fl_tally_line
#undef fl_tally_merge
#undef fl_tally_print

/* the calls of one build */
static const struct api {
	struct fl_tally *(*tnew)(void);
	void (*tfree)(struct fl_tally *);
	void (*keys)(struct fl_tally *, const uint32_t *, size_t);
	int (*add)(struct fl_tally *, unsigned, unsigned, uint64_t);
	int (*line)(struct fl_tally *, const char *, size_t, uint64_t);
	int (*merge)(struct fl_tally *, struct fl_tally *);
	void (*print)(struct fl_tally *, uint64_t);
} api[2] = {
	{ fl_tally_new, fl_tally_free, fl_tally_keys, fl_tally_add, fl_tally_line,
	  fl_tally_merge, fl_tally_print },
	{ small_tally_new, small_tally_free, small_tally_keys, small_tally_add,
	  small_tally_line, small_tally_merge, small_tally_print },
};

#define CHECK(c) do { if (!(c)) abort(); } while (0)
#define MAXREF 700
#define MAXKEY 48

int LLVMFuzzerInitialize(int *argc, char ***argv);
const char *__asan_default_options(void);

/* tallies allocate tables of 64 KiB and more, and ASan's allocator fills
 * each fresh one by hand: a smaller quarantine gives freed ones back
 * sooner (a use after free is still caught within the last 16 MiB). And
 * all of a block from malloc is filled with 0xbe, not just its first
 * 4 KiB, so that a field read before it is set is not a lucky 0. */
const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=16:max_malloc_fill_size=1048576";
}

static const uint64_t vals[] = {
	0, 1, 2, 3, 7, 200, 254, 255, 256, 257, 65535, 65536, 4294967295u, 4294967296u,
	(uint64_t)1 << 40, (uint64_t)1 << 63, UINT64_MAX - 256, UINT64_MAX - 255,
	UINT64_MAX - 254, UINT64_MAX - 2, UINT64_MAX - 1, UINT64_MAX
};
#define NVAL (sizeof(vals) / sizeof(vals[0]))
static const unsigned ports[] = { 0, 1, 2, 9, 10, 80, 443, 999, 1000, 65534, 65535 };
#define NPORTS (sizeof(ports) / sizeof(ports[0]))
/* a few protocols (each costs a table): numbers named by keyword, by a
 * name that starts with a digit (3pc), by their decimal number */
static const unsigned protos[] = { 6, 17, 1, 0, 34, 61, 200, 63, 255, 58, 41, 84, 114, 147, 99, 253 };
#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

struct ref {
	char k[MAXKEY];
	size_t n;
	uint64_t v;
};
struct list {
	struct ref r[MAXREF];
	size_t n;
};
static struct list ref[2];

static FILE *quiet;
static char outpath[] = "/tmp/fuzz_count_out.XXXXXX";

static void
rmtemp(void)
{
	unlink(outpath);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int out;

	(void)argc;
	(void)argv;
	if (!getenv("FUZZ_VERBOSE") && (quiet = fopen("/dev/null", "w")) != NULL)
		stderr = quiet;
	if ((out = mkstemp(outpath)) < 0)
		abort();
	atexit(rmtemp);
	/* fl_put writes to fd 1: a file we can read back */
	if (dup2(out, 1) < 0)
		abort();
	close(out);
	return 0;
}

static unsigned
port(unsigned char b)
{
	return b < NPORTS ? ports[b] : b * 257u;
}

static unsigned
proto(unsigned char b)
{
	return protos[b % NPROTOS];
}

static uint64_t
val(unsigned char b)
{
	return vals[b % NVAL];
}

static size_t
keytext(char *buf, unsigned p, unsigned proto)
{
	const char *nm;
	size_t n, ln;

	n = (size_t)(fl_utoa(buf, p) - buf);
	buf[n++] = '\t';
	nm = fl_proto_name(proto, &ln);
	memcpy(buf + n, nm, ln);
	return n + ln;
}

static struct ref *
find(struct list *l, const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->r[i].n == n && memcmp(l->r[i].k, k, n) == 0)
			return &l->r[i];
	return NULL;
}

/* refadd -- the reference's answer to adding v to k: 0 or -1; full: the
 * list has no room (the call is not made) */
static int
refadd(struct list *l, const char *k, size_t n, uint64_t v, int *full)
{
	struct ref *r = find(l, k, n);

	*full = 0;
	if (r) {
		if (r->v > UINT64_MAX - v)
			return -1;
		r->v += v;
		return 0;
	}
	if (l->n == MAXREF || n > MAXKEY) {
		*full = 1;
		return 0;
	}
	r = &l->r[l->n++];
	memcpy(r->k, k, n);
	r->n = n;
	r->v = v;
	return 0;
}

/* fits -- whether every key of src can be added to dst without an
 * overflow, and dst has room for the new ones */
static int
fits(const struct list *dst, const struct list *src)
{
	size_t i, nnew = 0;

	for (i = 0; i < src->n; i++) {
		const struct ref *d = find((struct list *)dst, src->r[i].k, src->r[i].n);
		if (!d)
			nnew++;
		else if (d->v > UINT64_MAX - src->r[i].v)
			return 0;
	}
	return dst->n + nnew <= MAXREF;
}

static void
refmerge(struct list *dst, struct list *src)
{
	size_t i;
	int full;

	for (i = 0; i < src->n; i++)
		CHECK(refadd(dst, src->r[i].k, src->r[i].n, src->r[i].v, &full) == 0 && !full);
	src->n = 0;
}

/* --- the order of SPEC section 3, written plainly ------------------------ */

static int
alldigits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
bytes(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i;

	for (i = 0; i < an && i < bn; i++)
		if (a[i] != b[i])
			return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

/* number -- by value; equal values (7, 07) by their bytes */
static int
number(const char *a, size_t an, const char *b, size_t bn)
{
	const char *x = a, *y = b;
	size_t xn = an, yn = bn;
	int c;

	while (xn > 1 && *x == '0')
		x++, xn--;
	while (yn > 1 && *y == '0')
		y++, yn--;
	if (xn != yn)
		return xn < yn ? -1 : 1;
	c = bytes(x, xn, y, yn);
	return c ? c : bytes(a, an, b, bn);
}

static int
keyorder(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	for (;;) {
		size_t fa = i, fb = j;
		int c;
		while (fa < an && a[fa] != '\t')
			fa++;
		while (fb < bn && b[fb] != '\t')
			fb++;
		if (alldigits(a + i, fa - i) && alldigits(b + j, fb - j))
			c = number(a + i, fa - i, b + j, fb - j);
		else
			c = bytes(a + i, fa - i, b + j, fb - j);
		if (c)
			return c;
		if (fa == an || fb == bn)        /* fewer fields first */
			return (fa < an) - (fb < bn);
		i = fa + 1;
		j = fb + 1;
	}
}

static int
roworder(const struct ref *a, const struct ref *b)
{
	if (a->v != b->v)
		return a->v > b->v ? -1 : 1;
	return keyorder(a->k, a->n, b->k, b->n);
}

/* --- output ------------------------------------------------------------- */

static char outa[MAXREF * 80], outb[MAXREF * 80];

static size_t
readout(char *buf, size_t cap)
{
	ssize_t r;

	fl_flush();
	r = pread(1, buf, cap, 0);
	CHECK(r >= 0 && (size_t)r < cap);
	CHECK(ftruncate(1, 0) == 0 && lseek(1, 0, SEEK_SET) == 0);
	return (size_t)r;
}

static void
check(const struct api *a, struct fl_tally *t, const struct list *l, uint64_t limit)
{
	static struct ref sorted[MAXREF];
	static unsigned char seen[MAXREF];
	struct fl_map m;
	size_t na, nb, i, j, want, off, total;

	/* the same keys in a map, in the order they came, and backwards */
	CHECK(readout(outa, sizeof(outa)) == 0);
	a->print(t, limit);
	na = readout(outa, sizeof(outa));
	for (j = 0; j < 2; j++) {
		fl_map_init(&m);
		for (i = 0; i < l->n; i++) {
			const struct ref *x = &l->r[j ? l->n - 1 - i : i];
			*fl_map_get(&m, x->k, x->n, 1) = x->v;
		}
		fl_map_print(&m, limit);
		nb = readout(outb, sizeof(outb));
		fl_map_free(&m);
		CHECK(na == nb && memcmp(outa, outb, na) == 0);
	}

	/* the plain sort; a total order where each row beats a different
	 * number of the others */
	memcpy(sorted, l->r, l->n * sizeof(*sorted));
	for (i = 1; i < l->n; i++) {
		struct ref x = sorted[i];
		for (j = i; j > 0 && roworder(&x, &sorted[j - 1]) < 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = x;
	}
	memset(seen, 0, l->n);
	total = l->n <= 300;            /* else too slow to tell */
	for (i = 0; i < l->n && total; i++) {
		size_t wins = 0;
		for (j = 0; j < l->n; j++)
			wins += j != i && roworder(&l->r[i], &l->r[j]) < 0;
		total = !seen[wins];
		seen[wins] = 1;
	}
	want = l->n < limit ? l->n : (size_t)limit;
	memset(seen, 0, l->n);
	for (i = off = 0; i < want; i++) {
		const char *row = outa + off, *nl = memchr(row, '\n', na - off), *tab;
		const struct ref *r;
		uint64_t v;
		CHECK(nl != NULL);
		for (tab = nl; tab > row && tab[-1] != '\t'; tab--)
			;
		CHECK(tab > row && fl_udec(tab, (size_t)(nl - tab), UINT64_MAX, &v) == 0);
		CHECK(v == sorted[i].v);        /* counts descending */
		r = find((struct list *)l, row, (size_t)(tab - 1 - row));
		CHECK(r != NULL && r->v == v && !seen[r - l->r]);
		seen[r - l->r] = 1;
		if (total)
			CHECK(r->n == sorted[i].n && memcmp(r->k, sorted[i].k, r->n) == 0);
		off = (size_t)(nl - outa) + 1;
	}
	CHECK(off == na);
}

static void
run(const struct api *a, const uint8_t *data, size_t size)
{
	struct fl_tally *t[2];
	const char *s = (const char *)data, *e = s + size, *nl;
	uint64_t limit = UINT64_MAX, v;
	uint32_t keys[32];
	char kt[32];
	size_t n, i, nk;
	int full, want, w;
	unsigned which, p, r;

	t[0] = a->tnew();
	t[1] = a->tnew();
	ref[0].n = ref[1].n = 0;
	for (; s < e; s = nl + 1) {
		const unsigned char *u = (const unsigned char *)s;
		nl = memchr(s, '\n', (size_t)(e - s));
		if (!nl)
			nl = e;
		n = (size_t)(nl - s);
		if (n == 0)
			continue;
		switch (u[0]) {
		case 1:
		case 2:
			which = u[0] == 1 ? 1 : n > 2 ? u[2] & 1 : 0;
			v = u[0] == 1 || n < 2 ? 1 : val(u[1]);
			i = u[0] == 1 ? 1 : n < 3 ? n : 3;
			want = refadd(&ref[which], s + i, n - i, v, &full);
			if (!full)
				CHECK(a->line(t[which], s + i, n - i, v) == want);
			break;
		case 3:
		case 7:
			if (n < 5)
				break;
			p = port(u[1]);
			r = proto(u[2]);
			which = u[4] & 1;
			nk = keytext(kt, p, r);
			if (u[0] == 3) {
				v = val(u[3]);
				want = refadd(&ref[which], kt, nk, v, &full);
				if (!full)
					CHECK(a->add(t[which], p, r, v) == want);
				break;
			}
			/* the same key, or another spelling of it (a key apart) */
			if (u[3] % 4 == 1 && nk < sizeof(kt) - 1) {
				memmove(kt + 1, kt, nk++);
				kt[0] = '0';
			} else if (u[3] % 4 == 2 && kt[nk - 1] >= 'a' && kt[nk - 1] <= 'z') {
				kt[nk - 1] = (char)(kt[nk - 1] - 'a' + 'A');
			} else if (u[3] % 4 == 3) {
				nk--;
			}
			v = val(u[3] / 4);
			want = refadd(&ref[which], kt, nk, v, &full);
			if (!full)
				CHECK(a->line(t[which], kt, nk, v) == want);
			break;
		case 4:
			if (n < 2)
				break;
			which = u[1] & 1;
			for (i = 2, nk = 0; i + 1 < n && nk < 32; i += 2) {
				struct ref *x;
				p = port(u[i]);
				r = proto(u[i + 1]);
				w = (int)keytext(kt, p, r);
				x = find(&ref[which], kt, (size_t)w);
				/* fl_tally_keys ends the program on an overflow:
				 * such a key is left out */
				if (x && x->v == UINT64_MAX)
					continue;
				if (!x && ref[which].n == MAXREF)
					break;
				CHECK(refadd(&ref[which], kt, (size_t)w, 1, &full) == 0 && !full);
				keys[nk++] = r << 16 | p;
			}
			a->keys(t[which], keys, nk);
			break;
		case 5:
			if (fits(&ref[0], &ref[1])) {
				CHECK(a->merge(t[0], t[1]) == 0);
				refmerge(&ref[0], &ref[1]);
			}
			break;
		case 6:
			if (n > 1)
				limit = val(u[1]);
			break;
		case 8:
			for (i = n; i > 1 && s[i - 1] != '\t'; i--)
				;
			if (i <= 1 || fl_udec(s + i, n - i, UINT64_MAX, &v) < 0)
				break;
			want = refadd(&ref[0], s + 1, i - 2, v, &full);
			if (!full)
				CHECK(a->line(t[0], s + 1, i - 2, v) == want);
			break;
		default:
			want = refadd(&ref[0], s, n, 1, &full);
			if (!full)
				CHECK(a->line(t[0], s, n, 1) == want);
			break;
		}
	}
	if (fits(&ref[0], &ref[1])) {
		CHECK(a->merge(t[0], t[1]) == 0);
		refmerge(&ref[0], &ref[1]);
		/* the source is empty after a merge */
		a->print(t[1], UINT64_MAX);
		CHECK(readout(outa, sizeof(outa)) == 0);
	}
	check(a, t[0], &ref[0], limit);
	/* and the tally empty after it is printed */
	a->print(t[0], UINT64_MAX);
	CHECK(readout(outa, sizeof(outa)) == 0);
	a->tfree(t[0]);
	a->tfree(t[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(&api[0], data, size);
	run(&api[1], data, size);
	return 0;
}
