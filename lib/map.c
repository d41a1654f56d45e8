/* map.c -- byte-string keys to uint64 values: open addressing over a
 * power-of-two table of indices into an entry array and a key arena */
#include <stdlib.h>
#include <string.h>

#include "flow.h"

void
fl_map_init(struct fl_map *m)
{
	memset(m, 0, sizeof(*m));
	m->mask = 1023;
	m->slot = ecalloc(m->mask + 1, sizeof(*m->slot));
	m->seed = fl_seed();
	/* never NULL, even while every key is empty: keys + 0 and memcmp need
	 * a real pointer */
	m->capkeys = 4096;
	m->keys = emalloc(m->capkeys);
}

void
fl_map_free(struct fl_map *m)
{
	free(m->slot);
	free(m->ent);
	free(m->keys);
	memset(m, 0, sizeof(*m));
}

static void
grow(struct fl_map *m)
{
	size_t i, j, mask = m->mask * 2 + 1;
	uint64_t *slot = ecalloc(mask + 1, sizeof(*slot));

	for (i = 0; i < m->nent; i++) {
		for (j = m->ent[i].hash & mask; slot[j]; j = (j + 1) & mask)
			;
		slot[j] = (m->ent[i].hash & ~0xffffffffULL) | (i + 1);
	}
	free(m->slot);
	m->slot = slot;
	m->mask = mask;
}

/* fl_map_get -- the value of key k, or NULL; with create, a new key starts at 0 */
uint64_t *
fl_map_get(struct fl_map *m, const char *k, size_t n, int create)
{
	uint64_t h = fl_hash(k, n, m->seed);
	size_t i;
	struct fl_ent *e;

	/* a slot holds the high half of the hash beside the entry's index:
	 * most mismatches are seen without touching the entry */
	for (i = h & m->mask; m->slot[i]; i = (i + 1) & m->mask) {
		if ((m->slot[i] ^ h) >> 32)
			continue;
		e = &m->ent[(m->slot[i] & 0xffffffffULL) - 1];
		if (e->hash == h && e->len == n && memcmp(m->keys + e->off, k, n) == 0)
			return &e->val;
	}
	if (!create)
		return NULL;
	if (m->nent >= UINT32_MAX - 1)
		fl_die(1, "too many distinct keys");
	if (m->nent == m->capent) {
		m->capent = m->capent ? m->capent * 2 : 1024;
		m->ent = erealloc(m->ent, m->capent * sizeof(*m->ent));
	}
	while (m->nkeys + n > m->capkeys) {
		m->capkeys = m->capkeys ? m->capkeys * 2 : 65536;
		m->keys = erealloc(m->keys, m->capkeys);
	}
	e = &m->ent[m->nent];
	e->hash = h;
	e->val = 0;
	e->off = m->nkeys;
	e->len = n;
	if (n)
		memcpy(m->keys + m->nkeys, k, n);
	m->nkeys += n;
	m->slot[i] = (h & ~0xffffffffULL) | ++m->nent;
	if (m->nent * 2 > m->mask) {
		grow(m);
	}
	return &e->val;
}
