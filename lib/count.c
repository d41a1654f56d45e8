/* count.c -- print a map of counts the way every counted table is ordered:
 * count descending, then key ascending (fl_keycmp). Each entry is sorted
 * with its count and the value of its first field beside it, so that most
 * comparisons touch neither the key bytes nor their digits. */
#include <stdlib.h>
#include <string.h>

#include "flow.h"

struct item {
	uint64_t count;
	uint64_t first;          /* the first field's value, if NUM1 */
	uint64_t second;         /* the second field's value if NUM2, else its
	                          * first 8 bytes, big-endian, zero-padded */
	uint32_t ent;
	uint32_t flags;
};                               /* 32 bytes: qsort moves it in place */
#define NUM1 1           /* first field: 1..18 digits, no leading 0 */
#define NUM2 2           /* second field: the same */
#define HAS2 4           /* there is a second field */
#define DIG2 8           /* the second field is all digits */
#define FB(it) ((it)->flags >> 8 & 0xff)    /* the second field's first byte */

static const struct fl_map *sorting;

static int
cmp(const struct item *x, const struct item *y)
{
	const struct fl_ent *ex, *ey;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
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
	ex = &sorting->ent[x->ent];
	ey = &sorting->ent[y->ent];
	return fl_keycmp(FL_MAPKEY(sorting, ex), ex->len, FL_MAPKEY(sorting, ey), ey->len);
}

static int
shortnum(const char *k, size_t n, uint64_t *v)
{
	return n > 0 && n <= 18 && (k[0] != '0' || n == 1) && fl_udec(k, n, UINT64_MAX, v) == 0;
}

static void
decorate(const struct fl_map *m, size_t i, struct item *it)
{
	const struct fl_ent *e = &m->ent[i];
	const char *k = FL_MAPKEY(m, e), *tab = memchr(k, '\t', e->len);
	size_t n = tab ? (size_t)(tab - k) : e->len, j;

	it->count = e->val;
	it->ent = (uint32_t)i;
	it->flags = 0;
	it->first = it->second = 0;
	if (shortnum(k, n, &it->first))
		it->flags |= NUM1;
	if (tab) {
		const char *s = tab + 1, *t;
		it->flags |= HAS2;
		t = memchr(s, '\t', e->len - n - 1);
		n = t ? (size_t)(t - s) : e->len - n - 1;
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

/* msort -- a stable bottom-up merge sort of n items, tmp as large; the
 * items move by assignment, not by memcpy calls as qsort's would */
static struct item *
msort(struct item *a, struct item *tmp, size_t n)
{
	size_t width, i;

	/* runs of 8 by insertion first: fewer passes over memory */
	for (i = 0; i < n; i += 8) {
		size_t e = i + 8 < n ? i + 8 : n, j, k;
		for (j = i + 1; j < e; j++) {
			struct item t = a[j];
			for (k = j; k > i && cmp(&t, &a[k - 1]) < 0; k--)
				a[k] = a[k - 1];
			a[k] = t;
		}
	}
	for (width = 8; width < n; width *= 2) {
		struct item *t;
		for (i = 0; i < n; i += 2 * width) {
			size_t l = i, m = i + width < n ? i + width : n;
			size_t h = i + 2 * width < n ? i + 2 * width : n, r = m, o = i;
			while (l < m && r < h)
				tmp[o++] = cmp(&a[r], &a[l]) < 0 ? a[r++] : a[l++];
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

/* fl_map_print -- "key<TAB>count" lines, at most limit */
void
fl_map_print(struct fl_map *m, uint64_t limit)
{
	struct item *buf = emalloc((m->nent ? m->nent : 1) * 2 * sizeof(*buf)), *it = buf;
	size_t i;

	for (i = 0; i < m->nent; i++)
		decorate(m, i, &it[i]);
	sorting = m;
	it = msort(it, buf + m->nent, m->nent);
	for (i = 0; i < m->nent && i < limit; i++) {
		struct fl_ent *e = &m->ent[it[i].ent];
		fl_put(FL_MAPKEY(m, e), e->len);
		fl_putc('\t');
		fl_putu(e->val);
		fl_putc('\n');
	}
	free(buf);
}
