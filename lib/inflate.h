/* inflate.h -- gzip (RFC 1952) members of deflate (RFC 1951) data, decoded
 * straight into the caller's buffer; CRC-32 */
#ifndef FL_INFLATE_H
#define FL_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/* fl_gz_readfn -- where compressed bytes come from: up to n bytes into buf;
 * the number read, 0 at the end of the input, -1 on an error (errno set) */
typedef long fl_gz_readfn(void *ctx, unsigned char *buf, size_t n);

struct fl_gz;                        /* the decoder's state: private */

/* fl_gz_open -- a decoder over a source; head holds the first bytes of the
 * input that the caller has already read (the magic, say), taken before
 * any byte from rd */
struct fl_gz *fl_gz_open(fl_gz_readfn *rd, void *ctx, const unsigned char *head, size_t nhead);
void fl_gz_close(struct fl_gz *z);

/* FL_GZ_ROOM -- the least room fl_gz_read needs after *pos */
#define FL_GZ_ROOM 4096
/* FL_GZ_WINDOW -- the output the decoder may look back at */
#define FL_GZ_WINDOW 32768

/* fl_gz_read -- decode into out[*pos, cap), moving *pos on. The
 * FL_GZ_WINDOW bytes before *pos (or all the output since the start of
 * the current member, if less) must be the output that came before: the
 * caller may move its data between calls only by keeping them there.
 * cap - *pos >= FL_GZ_ROOM. Nothing is written at or past cap.
 * 1: some output (call again), 0: the end of the input, every member
 * checked, -1: an error: fl_gz_error says which. After 0 nothing more
 * is written; after 1 a call may yet write nothing and return 0; after
 * -1, *pos is past the output decoded before the error was seen (as gzip
 * -dc writes it), and every later call returns -1 */
int fl_gz_read(struct fl_gz *z, unsigned char *out, size_t *pos, size_t cap);

/* fl_gz_error -- after -1: NULL for a read error (errno as the source left
 * it), else what is wrong with the data, as "bad CRC-32 at byte 1234":
 * the message names the offset in the compressed input */
const char *fl_gz_error(const struct fl_gz *z);

/* fl_gz_inpos -- compressed bytes taken from the source so far */
uint64_t fl_gz_inpos(const struct fl_gz *z);

/* fl_gunzip -- a whole gzip stream in memory into out (a Parquet page):
 * 0 and *outn, or -1 and *why (output larger than cap is an error); *why
 * is in static storage, good until the next failing call */
int fl_gunzip(const unsigned char *in, size_t n, unsigned char *out, size_t cap, size_t *outn,
    const char **why);

/* fl_crc32 -- the gzip CRC-32 of p[0, n) continuing from crc (0 to start) */
uint32_t fl_crc32(uint32_t crc, const void *p, size_t n);
/* fl_crc32_portable -- the same by tables alone; fl_crc32_hasfast -- 1
 * when fl_crc32 takes a faster path on this machine (the tests compare) */
uint32_t fl_crc32_portable(uint32_t crc, const void *p, size_t n);
int fl_crc32_hasfast(void);

#endif
