/* tally.h -- the one counting module: counts (or sums) per key, merged,
 * printed in the one row order */
#ifndef FL_TALLY_H
#define FL_TALLY_H

#include <stddef.h>
#include <stdint.h>

struct fl_tally;                     /* private */

struct fl_tally *fl_tally_new(void);
void fl_tally_free(struct fl_tally *t);

/* fl_tally_keys -- add 1 to each of n keys protocol << 16 | port: the hot
 * path of flow-parse -c (a direct table per protocol, indexed by port) */
void fl_tally_keys(struct fl_tally *t, const uint32_t *keys, size_t n);

/* fl_tally_add -- add v to the key (port, protocol number); 0, or -1 when
 * the sum would pass 2^64 - 1 (nothing added). A key added with v = 0
 * still gets a row. */
int fl_tally_add(struct fl_tally *t, unsigned port, unsigned proto, uint64_t v);

/* fl_tally_line -- add v to the key k (n bytes, TAB-separated fields, no
 * newline), whatever it holds; a key "port<TAB>protocol name" as
 * flow-parse prints it is the same key as fl_tally_add's. 0, or -1 on
 * overflow (nothing added). */
int fl_tally_line(struct fl_tally *t, const char *k, size_t n, uint64_t v);

/* fl_tally_merge -- add every row of src to dst and empty src, which keeps
 * its tables for more rows (into an empty dst they move instead); 0, or -1
 * on overflow */
int fl_tally_merge(struct fl_tally *dst, struct fl_tally *src);

/* fl_tally_print -- the rows "key<TAB>count\n" through fl_put (out.c), at
 * most limit of them, by count descending, then key ascending (fl_keycmp);
 * the tally is empty after */
void fl_tally_print(struct fl_tally *t, uint64_t limit);

/* fl_rows_csv -- on: every table printed after is CSV, "key,count\n", the
 * key's fields comma-separated, a field holding , or " quoted (RFC 4180) */
void fl_rows_csv(int on);

/* count.c, for tally.c: the printer of fl_map_print, given besides the
 * map's records up to nd rows of keys protocol << 16 | port, which it
 * names as flow-parse does. next gives the rows in order, each a direct
 * row (*key, *count) or the map's next record, then 0; NULL: the map's
 * rows alone. The number of rows printed (at most limit). */
struct fl_map;
enum { FL_ROW_DIRECT = 1, FL_ROW_MAP };
typedef int fl_rowfn(void *arg, uint32_t *key, uint64_t *count);
uint64_t fl_rows_print(struct fl_map *m, size_t nd, fl_rowfn *next, void *arg, uint64_t limit);

#endif
