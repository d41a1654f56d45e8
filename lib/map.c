/* map.c -- byte-string keys to uint64 values: linear probing over a
 * power-of-two table of slots, each the high half of a key's hash beside
 * the offset of the key's record in one arena (value, length, bytes).
 *
 * A slot's position is the top bits of the hash, the same bits it keeps:
 * growing the table needs neither the records nor the keys, and walks the
 * old table in order while it fills the new one nearly in order. The
 * records are written in insertion order, one after the other. */
#include <stdlib.h>
#include <string.h>

#include "flow.h"

#define MINBITS 10
#define REC(m, ref) ((m)->arena + (size_t)(ref) * 8)

static size_t
recsize(size_t n)
{
	return (FL_MAPHDR + n + 7) & ~(size_t)7;
}

static uint32_t
reclen(const unsigned char *r)
{
	uint32_t len;

	memcpy(&len, r + 8, sizeof(len));
	return len;
}

void
fl_map_init(struct fl_map *m)
{
	memset(m, 0, sizeof(*m));
	m->bits = MINBITS;
	m->slot = ecalloc((size_t)1 << m->bits, sizeof(*m->slot));
	m->seed = fl_seed();
	m->caparena = 4096;
	m->arena = emalloc(m->caparena);
}

void
fl_map_free(struct fl_map *m)
{
	free(m->slot);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

/* place -- a slot for s in a table of 2^bits slots, which has room */
static void
place(uint64_t *slot, unsigned bits, uint64_t s)
{
	size_t mask = ((size_t)1 << bits) - 1;
	size_t i = (size_t)((s >> 32) >> (32 - bits));

	while (slot[i])
		i = (i + 1) & mask;
	slot[i] = s;
}

/* rebuild -- a table of 2^bits slots; from the old one if there is one,
 * else (after fl_map_print freed it) from the records */
static void
rebuild(struct fl_map *m, unsigned bits)
{
	uint64_t *slot;
	size_t i, n;

	if (bits > 32 || bits >= sizeof(size_t) * 8 - 4)
		fl_die(1, "too many distinct keys");
	slot = ecalloc((size_t)1 << bits, sizeof(*slot));
	if (m->slot) {
		n = (size_t)1 << m->bits;
		for (i = 0; i < n; i++)
			if (m->slot[i])
				place(slot, bits, m->slot[i]);
		free(m->slot);
	} else {
		for (i = 0; i < m->narena; i += recsize(reclen(m->arena + i))) {
			const unsigned char *r = m->arena + i;
			uint64_t h = fl_hash(r + FL_MAPHDR, reclen(r), m->seed);
			place(slot, bits, (h & ~(uint64_t)0xffffffff) | (i / 8 + 1));
		}
	}
	m->slot = slot;
	m->bits = bits;
}

/* newrec -- the record of a new key with value v at the arena's end: its
 * offset */
static size_t
newrec(struct fl_map *m, const char *k, size_t n, uint64_t v)
{
	size_t need, off;
	unsigned char *r;
	uint32_t len;

	if (n > UINT32_MAX - 16)
		fl_die(1, "key of %zu bytes too long", n);
	need = recsize(n);
	off = m->narena;
	if (off / 8 >= UINT32_MAX - 1)
		fl_die(1, "too many distinct keys");
	if (m->caparena - off < need)
		fl_map_reserve(m, need);
	r = m->arena + off;
	memcpy(r, &v, 8);
	len = (uint32_t)n;
	memcpy(r + 8, &len, sizeof(len));
	if (n)
		memcpy(r + FL_MAPHDR, k, n);
	/* the padding too: the arena is written whole, never read uninitialised */
	memset(r + FL_MAPHDR + n, 0, need - FL_MAPHDR - n);
	m->narena = off + need;
	m->nent++;
	return off;
}

/* fl_map_reserve -- room for n more bytes of records (fl_map_recsize) */
void
fl_map_reserve(struct fl_map *m, size_t n)
{
	size_t cap = m->caparena;

	if (n > SIZE_MAX / 2 - m->narena)
		fl_die(1, "too many distinct keys");
	while (cap - m->narena < n)
		cap *= 2;
	if (cap != m->caparena) {
		m->arena = erealloc(m->arena, cap);
		m->caparena = cap;
	}
}

size_t
fl_map_recsize(size_t n)
{
	return recsize(n);
}

/* fl_map_append -- a key known not to be in the map, with value v: its
 * record goes after the others, and the slots are dropped (the next get
 * rebuilds them, large enough) */
void
fl_map_append(struct fl_map *m, const char *k, size_t n, uint64_t v)
{
	free(m->slot);
	m->slot = NULL;
	newrec(m, k, n, v);
	while (m->nent > ((size_t)3 << m->bits) / 4)
		m->bits++;
}

uint64_t
fl_map_hash(const struct fl_map *m, const char *k, size_t n)
{
	return fl_hash(k, n, m->seed);
}

/* fl_map_hint -- touch the slot of hash h ahead of its get: a prefetch
 * where the compiler has one, else a load whose value is kept */
void
fl_map_hint(const struct fl_map *m, uint64_t h)
{
	const uint64_t *p;

	if (!m->slot)
		return;
	p = &m->slot[(size_t)((h >> 32) >> (32 - m->bits))];
#if defined(__GNUC__) || defined(__clang__)
	__builtin_prefetch(p);
#else
	{
		static volatile uint64_t sink;
		sink = *p;
	}
#endif
}

uint64_t *
fl_map_geth(struct fl_map *m, const char *k, size_t n, uint64_t h, int create)
{
	uint32_t tag = (uint32_t)(h >> 32);
	size_t mask, i, off;
	unsigned char *r;

	if (!m->slot)
		rebuild(m, m->bits);
	mask = ((size_t)1 << m->bits) - 1;
	for (i = (size_t)(tag >> (32 - m->bits)); m->slot[i]; i = (i + 1) & mask) {
		uint64_t s = m->slot[i];
		if ((uint32_t)(s >> 32) != tag)
			continue;
		r = REC(m, (s & 0xffffffff) - 1);
		if (reclen(r) == n && memcmp(r + FL_MAPHDR, k, n) == 0)
			return (uint64_t *)(void *)r;
	}
	if (!create)
		return NULL;
	off = newrec(m, k, n, 0);
	m->slot[i] = (h & ~(uint64_t)0xffffffff) | (off / 8 + 1);
	/* at most 3/4 full: the runs stay short, the table small */
	if (m->nent > ((size_t)3 << m->bits) / 4)
		rebuild(m, m->bits + 1);
	return (uint64_t *)(void *)(m->arena + off);
}

/* fl_map_get -- the value of key k, or NULL; with create, a new key starts at 0 */
uint64_t *
fl_map_get(struct fl_map *m, const char *k, size_t n, int create)
{
	return fl_map_geth(m, k, n, fl_hash(k, n, m->seed), create);
}

int
fl_map_next(const struct fl_map *m, size_t *pos, uint64_t **val, const char **k, size_t *n)
{
	unsigned char *r;

	if (*pos >= m->narena)
		return 0;
	r = m->arena + *pos;
	*val = (uint64_t *)(void *)r;
	*n = reclen(r);
	*k = (const char *)r + FL_MAPHDR;
	*pos += recsize(*n);
	return 1;
}
