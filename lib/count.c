/* count.c -- print a map of counts the way every counted table is ordered:
 * count descending, then key ascending (fl_keycmp) */
#include <stdlib.h>

#include "flow.h"

static const struct fl_map *sorting;

static int
cmp(const void *a, const void *b)
{
	const struct fl_ent *x = a, *y = b;

	if (x->val != y->val)
		return x->val > y->val ? -1 : 1;
	return fl_keycmp(FL_MAPKEY(sorting, x), x->len, FL_MAPKEY(sorting, y), y->len);
}

/* fl_map_print -- "key<TAB>count" lines, at most limit; the map's slots are
 * stale afterwards, since its entries are sorted in place */
void
fl_map_print(struct fl_map *m, uint64_t limit)
{
	size_t i;

	sorting = m;
	qsort(m->ent, m->nent, sizeof(*m->ent), cmp);
	for (i = 0; i < m->nent && i < limit; i++) {
		struct fl_ent *e = &m->ent[i];
		fl_put(FL_MAPKEY(m, e), e->len);
		fl_putc('\t');
		fl_putu(e->val);
		fl_putc('\n');
	}
}
