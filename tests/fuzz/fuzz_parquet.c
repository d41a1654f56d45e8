/* fuzz_parquet -- lib/parquet.c and lib/snappy.c on fuzz bytes, read
 * from memory through fl_pq_openrd's reader. The first byte picks:
 *   file    (low two bits 0 or 1) the rest is a Parquet file: opened with
 *           every AWS name wanted, each row group read to its end twice,
 *           through a large room and through a small one (the high six
 *           bits pick it). Both reads must agree: the same text, the same
 *           error. Every line must be a row (as many fields as the header
 *           names, one space between them, none empty), the rows of a
 *           group read to its end as many as fl_pq_rows says, and every
 *           message must start "Parquet: ".
 *   hybrid  (2) the RLE / bit-packed hybrid against a reference written
 *           here that reads one bit at a time: the next byte picks the
 *           bit width, the one after the step, the next two the count
 *           (below 4096);
 *           the same values, or both fail.
 *   snappy  (3) fl_snappy against a reference that copies byte by byte:
 *           the same output, or both fail; and the input itself, written
 *           as a valid stream of literals and copies, must decode to it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "parquet.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* NOCOV -- no coverage feedback (and no comparison tracing, most of the
 * run time) for the references and the checks: the feedback that counts
 * is the library's */
#if defined(__clang__) && __clang_major__ >= 13
#define NOCOV __attribute__((no_sanitize("coverage")))
#else
#define NOCOV
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* a smaller quarantine: each run allocates a few hundred KB, and with the
 * default every allocation is fresh memory and page faults */
const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}

#define BIGROOM (1 << 16)
static char bigroom[BIGROOM], smallroom[64 + 63 * 16];

static const char *const want[] = {
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
	"protocol", "packets", "bytes", "start", "end", "action", "log-status", "vpc-id",
	"subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region",
	"az-id", "flow-direction", "traffic-path", NULL
};

struct mem {
	const unsigned char *p;
	size_t n;
};

static int
memread(void *ctx, void *buf, size_t n, uint64_t off)
{
	const struct mem *m = ctx;

	CHECK(off <= m->n && n <= m->n - off);      /* the reader checks before it reads */
	memcpy(buf, m->p + off, n);
	return 0;
}

/* rows -- the lines of s[0, n), each checked to hold nf fields */
NOCOV static uint64_t
rows(const char *s, size_t n, int nf)
{
	uint64_t lines = 0;
	size_t i;
	int f = 1, len = 0;

	CHECK(n == 0 || s[n - 1] == '\n');
	for (i = 0; i < n; i++) {
		CHECK(s[i] != '\t' && s[i] != '\r');
		if (s[i] == ' ' || s[i] == '\n') {
			CHECK(len > 0);
			if (s[i] == '\n') {
				CHECK(f == nf);
				lines++;
				f = 0;
			}
			f++;
			len = 0;
		} else {
			len++;
		}
	}
	return lines;
}

/* readgroup -- group g through a room of room bytes, the text into *text
 * (grown); the last fl_pq_text's result, its message in msg */
static int
readgroup(const struct fl_pq *p, int g, size_t room, char **text, size_t *n, char *msg)
{
	const char *why;
	struct fl_pqg *pg = fl_pq_group(p, g, &why);
	char *buf = room == BIGROOM ? bigroom : smallroom;
	size_t pos, cap = 0;
	int r;

	CHECK(pg);
	*text = NULL;
	*n = 0;
	do {
		pos = 0;
		r = fl_pq_text(pg, buf, &pos, room, &why);
		CHECK(pos <= room);
		CHECK(r != 0 || pos == 0);
		if (cap - *n < pos) {
			cap = 2 * cap + pos;
			*text = realloc(*text, cap);
			CHECK(*text);
		}
		if (pos)
			memcpy(*text + *n, buf, pos);
		*n += pos;
	} while (r > 0);
	if (r < 0) {
		CHECK(strncmp(why, "Parquet: ", 9) == 0);
		snprintf(msg, 256, "%s", why);
	}
	fl_pq_groupclose(pg);
	return r;
}

static void
file(const uint8_t *data, size_t size, size_t small)
{
	struct mem m = { data, size };
	struct fl_pq *p;
	const char *why, *h;
	char *a, *b, ma[256], mb[256];
	size_t na, nb;
	int g, ra, rb, nf;

	if ((p = fl_pq_openrd(memread, &m, size, want, &why)) == NULL) {
		CHECK(strncmp(why, "Parquet: ", 9) == 0);
		return;
	}
	h = fl_pq_header(p);
	for (nf = *h != '\0'; *h; h++)
		nf += *h == ' ';
	CHECK(fl_pq_group(p, fl_pq_groups(p), &why) == NULL);
	for (g = 0; g < fl_pq_groups(p); g++) {
		ra = readgroup(p, g, BIGROOM, &a, &na, ma);
		rb = readgroup(p, g, small, &b, &nb, mb);
		if (rb < 0 && strstr(mb, "longer than the room")) {
			/* a row too long for the small room: what came before it
			 * is the same */
			CHECK(nb <= na && (nb == 0 || memcmp(a, b, nb) == 0));
		} else {
			CHECK(ra == rb);
			CHECK(na == nb && (na == 0 || memcmp(a, b, na) == 0));
			if (ra < 0)
				CHECK(strcmp(ma, mb) == 0);
		}
		if (ra == 0)
			/* no column found: no lines */
			CHECK(rows(a, na, nf) == (nf ? fl_pq_rows(p, g) : 0));
		else if (!strstr(ma, "longer than the room"))
			rows(a, na, nf);
		free(a);
		free(b);
	}
	fl_pq_close(p);
}

/* --- the hybrid's reference: one bit at a time --- */

NOCOV static int
refbit(const uint8_t *p, size_t n, uint64_t bit)
{
	return bit / 8 < n ? p[bit / 8] >> (bit % 8) & 1 : -1;
}

NOCOV static int
refhybrid(const uint8_t *p, size_t n, unsigned w, uint32_t *out, size_t count)
{
	size_t at = 0, got = 0, i, next;
	uint64_t hdr, run, avail, bit;
	unsigned s, k;
	uint32_t v;
	int b;

	while (got < count) {
		hdr = 0;
		for (s = 0;; s += 7) {
			if (at >= n || s > 28)
				return -1;
			hdr |= (uint64_t)(p[at] & 0x7f) << s;
			if (!(p[at++] & 0x80))
				break;
		}
		run = hdr >> 1;
		if (hdr & 1) {
			/* run groups of 8 values, as many as their bytes hold
			 * where the data ends first */
			avail = (uint64_t)(n - at);
			bit = (uint64_t)at * 8;
			if (w == 0) {
				run *= 8;
				next = at;
			} else if (run * w <= avail) {
				next = at + (size_t)(run * w);
				run *= 8;
			} else {
				run = avail * 8 / w;
				next = n;
			}
			for (i = 0; i < run && got < count; i++) {
				for (v = 0, k = 0; k < w; k++) {
					b = refbit(p, n, bit++);
					CHECK(b >= 0);
					v |= (uint32_t)b << k;
				}
				out[got++] = v;
			}
			at = next;
		} else {
			if (n - at < (w + 7) / 8)
				return -1;
			for (v = 0, k = 0; k < w; k++)
				v |= (uint32_t)refbit(p + at, n - at, k) << k;
			for (k = w; k < (w + 7) / 8 * 8; k++)
				if (refbit(p + at, n - at, k))
					return -1;
			at += (w + 7) / 8;
			for (i = 0; i < run && got < count; i++)
				out[got++] = v;
		}
	}
	return 0;
}

static void
hybrid(const uint8_t *data, size_t size)
{
	static uint32_t a[4096], b[4096];
	unsigned w;
	size_t step, count;
	int ra, rb;

	if (size < 4)
		return;
	w = data[0] % 33;
	step = data[1] % 40 + 1;
	count = (size_t)(data[2] & 0x0f) << 8 | data[3];
	data += 4;
	size -= 4;
	ra = fl_pq_hybrid(data, size, w, a, count, step);
	rb = refhybrid(data, size, w, b, count);
	CHECK(ra == rb);
	if (ra == 0)
		CHECK(memcmp(a, b, count * sizeof *a) == 0);
}

/* --- Snappy's reference: byte by byte --- */

NOCOV static int
refsnappy(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *outn)
{
	size_t at = 0, op = 0, len, off, k;
	uint64_t ulen = 0;
	unsigned s;
	uint8_t tag;

	for (s = 0;; s += 7) {
		if (at >= n || s > 28)
			return -1;
		ulen |= (uint64_t)(in[at] & 0x7f) << s;
		if (!(in[at++] & 0x80))
			break;
	}
	if (ulen > cap)
		return -1;
	while (at < n) {
		tag = in[at++];
		switch (tag & 3) {
		case 0:
			len = tag >> 2;
			if (len >= 60) {
				k = len - 59;
				if (n - at < k)
					return -1;
				for (len = 0, s = 0; s < k; s++)
					len |= (size_t)in[at + s] << (8 * s);
				at += k;
			}
			len++;
			for (k = 0; k < len; k++) {
				if (at >= n || op >= ulen)
					return -1;
				out[op++] = in[at++];
			}
			continue;
		case 1:
			if (at >= n)
				return -1;
			len = 4 + (tag >> 2 & 7);
			off = (size_t)(tag >> 5) << 8 | in[at++];
			break;
		case 2:
			if (n - at < 2)
				return -1;
			len = (size_t)(tag >> 2) + 1;
			off = (size_t)in[at] | (size_t)in[at + 1] << 8;
			at += 2;
			break;
		default:
			if (n - at < 4)
				return -1;
			len = (size_t)(tag >> 2) + 1;
			off = (size_t)in[at] | (size_t)in[at + 1] << 8 | (size_t)in[at + 2] << 16 |
			    (size_t)in[at + 3] << 24;
			at += 4;
		}
		if (off == 0 || off > op)
			return -1;
		for (k = 0; k < len; k++) {
			if (op >= ulen)
				return -1;
			out[op] = out[op - off];
			op++;
		}
	}
	if (op != ulen)
		return -1;
	*outn = op;
	return 0;
}

/* encode -- p[0, n) as a valid Snappy stream: literals of the lengths the
 * bytes pick, and a copy of the bytes just written wherever the input
 * repeats them (found by a plain search, each copy form in turn) */
NOCOV static size_t
encode(const uint8_t *p, size_t n, uint8_t *s)
{
	size_t at = 0, o = 0, i, len, off, best, bestoff, lit = 0;
	size_t v = n;
	int form = 0;

	do {
		s[o++] = (uint8_t)(v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		v >>= 7;
	} while (v);
	while (at < n) {
		best = 0;
		bestoff = 0;
		for (off = 1; off <= at && off <= 2047; off++) {
			for (len = 0; at + len < n && len < 64 && p[at + len] == p[at + len - off]; len++)
				;
			if (len > best) {
				best = len;
				bestoff = off;
			}
		}
		if (best >= 4) {
			if (form == 0 && best <= 11 && bestoff < 2048) {
				s[o++] = (uint8_t)(1 | (best - 4) << 2 | (bestoff >> 8) << 5);
				s[o++] = (uint8_t)bestoff;
			} else if (form == 1) {
				s[o++] = (uint8_t)(2 | (best - 1) << 2);
				s[o++] = (uint8_t)bestoff;
				s[o++] = (uint8_t)(bestoff >> 8);
			} else {
				s[o++] = (uint8_t)(3 | (best - 1) << 2);
				for (i = 0; i < 4; i++)
					s[o++] = (uint8_t)(bestoff >> (8 * i));
			}
			form = (form + 1) % 3;
			at += best;
			continue;
		}
		/* a literal: a short one, or one with a length byte */
		len = 1 + (size_t)p[at] % 70;
		if (len > n - at)
			len = n - at;
		if (len <= 60 && !(lit++ & 1)) {
			s[o++] = (uint8_t)((len - 1) << 2);
		} else {
			s[o++] = 60 << 2;
			s[o++] = (uint8_t)(len - 1);
		}
		memcpy(s + o, p + at, len);
		o += len;
		at += len;
	}
	return o;
}

static void
snappy(const uint8_t *data, size_t size)
{
	static uint8_t a[1 << 16], b[1 << 16], s[2 * 4096 + 16];
	size_t cap = sizeof a, na, nb;
	const char *why;
	int ra, rb;

	if (2 * size + 16 > sizeof s)
		return;
	ra = fl_snappy(data, size, a, cap, &na, &why);
	rb = refsnappy(data, size, b, cap, &nb);
	CHECK(ra == rb);
	if (ra == 0)
		CHECK(na == nb && memcmp(a, b, na) == 0);
	else
		CHECK(strncmp(why, "Snappy: ", 8) == 0);
	nb = encode(data, size, s);
	CHECK(fl_snappy(s, nb, a, size, &na, &why) == 0);
	CHECK(na == size && memcmp(a, data, size) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
	case 1:
		file(data + 1, size - 1, 64 + (size_t)(data[0] >> 2) * 16);
		break;
	case 2:
		hybrid(data + 1, size - 1);
		break;
	default:
		snappy(data + 1, size - 1);
	}
	return 0;
}
