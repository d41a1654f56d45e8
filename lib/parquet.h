/* parquet.h -- the rows of a Parquet flow log as text lines (parquet.c),
 * and the Snappy block decoder behind it (snappy.c).
 *
 * A file is opened once (its footer: schema, row groups); then each row
 * group is read on its own, by one thread or several at once, into text
 * lines that the text rules take as they are: one line a row, the values
 * of the columns named by fl_pq_header in that order, one space between
 * them, a newline after the last. What a value becomes:
 *   - an integer (INT32, INT64): its decimal, unsigned where the column is
 *     annotated unsigned (UINT_8 .. UINT_64);
 *   - a string (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY): its bytes, each blank,
 *     tab, CR, LF, VT or FF among them written as '_', so that a value is
 *     always one field; the empty string as '-';
 *   - a null: '-', as AWS writes an absent value in text.
 * The first column is an integer one when the file has any (so a line can
 * never look like a comment, a header or a timestamp); were it a string
 * starting with '#' or reading "version", its first byte is written '_'.
 *
 * What is read: flat columns (children of the schema's root, REQUIRED or
 * OPTIONAL) of types INT32, INT64, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY;
 * data pages v1 and v2 and dictionary pages; the encodings PLAIN,
 * PLAIN_DICTIONARY and RLE_DICTIONARY (the RLE / bit-packed hybrid),
 * DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (what
 * DuckDB, arrow-rs and parquet-mr write for version 2); the codecs
 * UNCOMPRESSED, GZIP and SNAPPY. Anything else in a wanted column is an
 * error, "Parquet: codec ZSTD not supported", "Parquet: encoding
 * BYTE_STREAM_SPLIT not supported in column dstport, row group 0"; a
 * column not wanted is never looked at. Memory: the wanted column chunks
 * of the row groups being read, with a page of each decompressed. */
#ifndef FL_PARQUET_H
#define FL_PARQUET_H

#include <stddef.h>
#include <stdint.h>

struct fl_pq;                        /* an open file: footer, schema, row groups */
struct fl_pqg;                       /* one row group being read */

/* fl_pq_readfn -- n bytes at offset off of the file into buf: 0, or -1
 * (errno set; a short read is an error). Called from several threads at
 * once when they read row groups at once. */
typedef int fl_pq_readfn(void *ctx, void *buf, size_t n, uint64_t off);

/* fl_pq_open -- the footer of the Parquet file on fd (size bytes), read
 * with pread; NULL and *why ("Parquet: bad magic", "Parquet: codec ZSTD
 * not supported", ...) on failure. want: the AWS field names, in their
 * text form ("dstport", "log-status"; NULL-terminated) whose columns are
 * to be read. A column matches a name with each '_' of its name read as
 * '-' (log_status is log-status), in any case; a name the file lacks is
 * simply absent from the header; a name wanted twice is read once (the
 * names are copied).
 * *why is in static storage, good until the next failing fl_pq_open: open
 * files from one thread at a time (the row groups, from any). */
struct fl_pq *fl_pq_open(int fd, uint64_t size, const char *const *want, const char **why);
/* fl_pq_openrd -- the same over a reader of one's own (the fuzz harness
 * reads from memory) */
struct fl_pq *fl_pq_openrd(fl_pq_readfn *rd, void *ctx, uint64_t size, const char *const *want,
    const char **why);
void fl_pq_close(struct fl_pq *p);

/* fl_pq_header -- the text header line for the columns found, in the
 * order their fields are written ("dstport protocol log-status"), with no
 * newline; "" when none was found */
const char *fl_pq_header(const struct fl_pq *p);
int fl_pq_groups(const struct fl_pq *p);
uint64_t fl_pq_rows(const struct fl_pq *p, int g);

/* fl_pq_group -- start reading row group g (0 is the first): only the
 * column chunks wanted are read, each with one call of the reader. NULL
 * (*why, static text) only for a g out of range: an error in the chunks
 * is the first fl_pq_text's -1. Safe from several threads at once on the
 * same fl_pq: it reads p, never writes it. */
struct fl_pqg *fl_pq_group(const struct fl_pq *p, int g, const char **why);
/* FL_PQ_ROOM -- what fl_pq_text needs free in out for one row whose values
 * are short (an AWS record); a longer row needs its length plus one */
#define FL_PQ_ROOM 4096
/* fl_pq_text -- the next rows of the group as text lines into
 * out[*pos, cap), whole lines only, moving *pos on. 1: some written (call
 * again), 0: the group is done (every row written; nothing written by
 * this call), -1: an error, *why ("Parquet: dictionary index 7 out of
 * range in column dstport, row group 2"), good until fl_pq_groupclose;
 * the lines written before it are whole and right. A row longer than the
 * room left in an empty out (*pos == 0 on entry) is an error; a row that
 * does not fit after others is left for the next call (1, maybe with
 * nothing written: make room). Bytes of out past the new *pos (below
 * cap) may have been written over. */
int fl_pq_text(struct fl_pqg *g, char *out, size_t *pos, size_t cap, const char **why);
void fl_pq_groupclose(struct fl_pqg *g);

/* fl_pq_hybrid -- (for the tests) count values of the RLE / bit-packed
 * hybrid encoding at p[0, n), bit width w, into out, taken step values a
 * call as fl_pq_text takes them: 0, or -1 when the data runs out first or
 * is bad */
int fl_pq_hybrid(const unsigned char *p, size_t n, unsigned w, uint32_t *out, size_t count,
    size_t step);

/* snappy.c: fl_snappy -- a raw Snappy block (no framing, as Parquet stores
 * a page) into out[0, cap): 0 and *outn, or -1 and *why (a constant) */
int fl_snappy(const unsigned char *in, size_t n, unsigned char *out, size_t cap, size_t *outn,
    const char **why);

#endif
