/* parquet.c -- Parquet flow logs read as text lines (parquet.h says what
 * a line holds), from the Apache Parquet format description and the
 * Thrift compact protocol description.
 *
 * The footer (FileMetaData, Thrift compact) gives the schema and, for each
 * row group, where its column chunks lie. Only flat columns are read: a
 * wanted column must be a child of the root, REQUIRED or OPTIONAL (so its
 * definition level is 0 or 1 and there are no repetition levels). A row
 * group is read as its wanted column chunks, one pread each; their pages
 * (a dictionary page, then data pages v1 or v2) are decoded as the rows
 * are needed, a batch of rows at a time: each column's values of the batch
 * become text slices (a dictionary is turned into text once, an integer
 * of a PLAIN page is formatted into the batch's scratch, a string points
 * into its page), and the rows are joined from the slices. Everything in
 * the file is untrusted: every size, offset, count and index is checked
 * before it is used, and a bad one is an error naming the column and row
 * group. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"
#include "inflate.h"
#include "parquet.h"

#define BATCH 1024               /* rows decoded at a time */
#define MAXDEPTH 32              /* Thrift nesting, schema nesting */
#define PAGEMAX (1u << 30)       /* the largest page, uncompressed */
#define SLOT 24                  /* room for one formatted integer */
#define ARENAMAX (64u << 20)     /* DELTA_BYTE_ARRAY values of one batch */
/* PAD -- bytes readable past the end of every buffer a value is taken
 * from, so that a short value is copied as 16 bytes at once */
#define PAD 16

/* physical types, codecs, page types, encodings (parquet.thrift) */
enum { T_BOOLEAN, T_INT32, T_INT64, T_INT96, T_FLOAT, T_DOUBLE, T_BYTE_ARRAY, T_FIXED };
enum { C_NONE, C_SNAPPY, C_GZIP };
enum { P_DATA, P_INDEX, P_DICT, P_DATA2 };
enum {
	E_PLAIN = 0, E_PLAIN_DICT = 2, E_RLE = 3, E_BIT_PACKED = 4, E_DELTA = 5, E_DELTA_LEN = 6,
	E_DELTA_BYTES = 7, E_RLE_DICT = 8
};
/* how a data page's values are read */
enum { V_PLAIN, V_DICT, V_DELTA, V_DELTA_LEN, V_DELTA_BYTES };

static const char *const typename[] = {
	"BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
	"FIXED_LEN_BYTE_ARRAY"
};
static const char *const codecname[] = {
	"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"
};
static const char *const encname[] = {
	"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
	"DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"
};
#define NAMEOF(tab, i) ((i) >= 0 && (size_t)(i) < sizeof tab / sizeof tab[0] ? tab[i] : NULL)

/* --- Thrift compact protocol --- */

/* Thrift types in a field header or a collection */
enum {
	TH_STOP, TH_TRUE, TH_FALSE, TH_I8, TH_I16, TH_I32, TH_I64, TH_DOUBLE, TH_BINARY,
	TH_LIST, TH_SET, TH_MAP, TH_STRUCT, TH_UUID
};

struct th {
	const unsigned char *p, *end;
	int bad;                        /* sticky: every read after it gives 0 */
};

static uint64_t
th_varint(struct th *t)
{
	uint64_t v = 0;
	unsigned s = 0, c;

	while (!t->bad && t->p < t->end && s < 64) {
		c = *t->p++;
		v |= (uint64_t)(c & 0x7f) << s;
		if (!(c & 0x80))
			return v;
		s += 7;
	}
	t->bad = 1;
	return 0;
}

static int64_t
th_zigzag(struct th *t)
{
	uint64_t v = th_varint(t);

	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static unsigned
th_byte(struct th *t)
{
	if (t->bad || t->p >= t->end) {
		t->bad = 1;
		return 0;
	}
	return *t->p++;
}

/* th_field -- the next field header of a struct: its type, or TH_STOP at
 * the end; *last is the id before it (0 at the start of the struct) */
static int
th_field(struct th *t, int *last, int *id)
{
	unsigned c = th_byte(t), d = c >> 4;
	int64_t v;

	if (t->bad || c == 0)
		return TH_STOP;
	if (d) {
		*id = *last + (int)d;
	} else {
		v = th_zigzag(t);
		if (v < -32768 || v > 32767)
			t->bad = 1;
		*id = (int)v;
	}
	*last = *id;
	if ((c & 15) == TH_STOP || (c & 15) > TH_UUID) {
		t->bad = 1;
		return TH_STOP;
	}
	return (int)(c & 15);
}

/* th_list -- a list or set header: the element type and the count */
static uint64_t
th_list(struct th *t, int *etype)
{
	unsigned c = th_byte(t);
	uint64_t n = c >> 4;

	*etype = (int)(c & 15);
	if (n == 15 && (n = th_varint(t)) > INT32_MAX)
		t->bad = 1;
	if (*etype == TH_STOP || *etype > TH_UUID)
		t->bad = 1;
	return t->bad ? 0 : n;
}

static void th_skip(struct th *t, int type, int elem, int depth);

static void
th_skipstruct(struct th *t, int depth)
{
	int last = 0, id, type;

	while ((type = th_field(t, &last, &id)) != TH_STOP)
		th_skip(t, type, 0, depth + 1);
}

static void
th_need(struct th *t, uint64_t n)
{
	if (t->bad || (uint64_t)(t->end - t->p) < n)
		t->bad = 1;
	else
		t->p += n;
}

/* th_skip -- a value of a type, a field's (elem 0: a boolean is in its
 * header) or a collection's element (elem 1: a boolean is a byte) */
static void
th_skip(struct th *t, int type, int elem, int depth)
{
	uint64_t n, i;
	int et, kt, vt;

	if (depth > MAXDEPTH) {
		t->bad = 1;
		return;
	}
	switch (type) {
	case TH_TRUE:
	case TH_FALSE:
		if (elem)
			th_byte(t);
		break;
	case TH_I8:
		th_byte(t);
		break;
	case TH_I16:
	case TH_I32:
	case TH_I64:
		th_varint(t);
		break;
	case TH_DOUBLE:
		th_need(t, 8);
		break;
	case TH_BINARY:
		n = th_varint(t);
		th_need(t, n);
		break;
	case TH_LIST:
	case TH_SET:
		n = th_list(t, &et);
		for (i = 0; i < n && !t->bad; i++)
			th_skip(t, et, 1, depth + 1);
		break;
	case TH_MAP:
		n = th_varint(t);
		if (n == 0)
			break;
		vt = (int)th_byte(t);
		kt = vt >> 4;
		vt &= 15;
		if (n > INT32_MAX)
			t->bad = 1;
		for (i = 0; i < n && !t->bad; i++) {
			th_skip(t, kt, 1, depth + 1);
			th_skip(t, vt, 1, depth + 1);
		}
		break;
	case TH_STRUCT:
		th_skipstruct(t, depth);
		break;
	case TH_UUID:
		th_need(t, 16);
		break;
	default:
		t->bad = 1;
	}
}

/* th_int -- an integer field of any width (a writer may pick another) */
static int64_t
th_int(struct th *t, int type)
{
	if (type == TH_I8)
		return (int8_t)th_byte(t);
	if (type == TH_I16 || type == TH_I32 || type == TH_I64)
		return th_zigzag(t);
	t->bad = 1;
	return 0;
}

static int32_t
th_i32(struct th *t, int type)
{
	int64_t v = th_int(t, type);

	if (v < INT32_MIN || v > INT32_MAX)
		t->bad = 1;
	return (int32_t)v;
}

/* --- the RLE / bit-packed hybrid --- */

struct hyb {
	const unsigned char *p, *end;   /* the next run's header */
	unsigned w;                     /* bit width, 0..32 */
	uint32_t val;                   /* of the RLE run */
	uint64_t rle;                   /* values left in the RLE run */
	uint64_t bp;                    /* values left in the bit-packed run */
	const unsigned char *bq, *bend; /* the bit-packed run's bytes */
	uint64_t bit;                   /* offset of its next value, in bits from bq */
};

static void
hyb_init(struct hyb *h, const unsigned char *p, size_t n, unsigned w)
{
	memset(h, 0, sizeof *h);
	h->p = p;
	h->end = p + n;
	h->w = w;
}

/* hyb_get -- the next n values into out: 0, or -1 when the data runs out
 * or a run header is bad */
static int
hyb_get(struct hyb *h, uint32_t *out, size_t n)
{
	uint64_t hdr, k, i, groups, avail;
	uint32_t mask = h->w == 32 ? 0xffffffffu : (1u << h->w) - 1;
	unsigned s, vb;

	while (n) {
		if (h->rle) {
			k = h->rle < n ? h->rle : n;
			for (i = 0; i < k; i++)
				out[i] = h->val;
		} else if (h->bp && h->w == 0) {
			k = h->bp < n ? h->bp : n;
			for (i = 0; i < k; i++)
				out[i] = 0;
		} else if (h->bp) {
			k = h->bp < n ? h->bp : n;
			for (i = 0; i < k; i++) {
				const unsigned char *q = h->bq + (h->bit >> 3);
				uint64_t v = 0;
				unsigned sh = (unsigned)(h->bit & 7), nb = (sh + h->w + 7) >> 3, j;

				if (h->bend - q >= 8) {
					for (j = 0; j < 8; j++)
						v |= (uint64_t)q[j] << (8 * j);
				} else {
					for (j = 0; j < nb; j++)
						v |= (uint64_t)q[j] << (8 * j);
				}
				out[i] = (uint32_t)(v >> sh) & mask;
				h->bit += h->w;
			}
		} else {
			if (h->p >= h->end)
				return -1;
			hdr = 0;
			for (s = 0;; s += 7) {
				if (h->p >= h->end || s > 28)
					return -1;
				hdr |= (uint64_t)(*h->p & 0x7f) << s;
				if (!(*h->p++ & 0x80))
					break;
			}
			if (hdr & 1) {
				groups = hdr >> 1;
				avail = (uint64_t)(h->end - h->p);
				h->bq = h->p;
				h->bit = 0;
				if (h->w == 0) {
					h->bp = groups * 8;
				} else if (groups * h->w <= avail) {
					h->bp = groups * 8;
					h->p += groups * h->w;
				} else {
					/* a last run cut short: the values its bytes hold */
					h->bp = avail * 8 / h->w;
					h->p = h->end;
				}
				h->bend = h->p;
			} else {
				h->rle = hdr >> 1;
				vb = (h->w + 7) / 8;
				if ((size_t)(h->end - h->p) < vb)
					return -1;
				h->val = 0;
				for (s = 0; s < vb; s++)
					h->val |= (uint32_t)h->p[s] << (8 * s);
				h->p += vb;
				if (h->w < 32 && h->val >> h->w)
					return -1;      /* a value wider than the width */
			}
			continue;
		}
		if (h->rle)
			h->rle -= k;
		else
			h->bp -= k;
		out += k;
		n -= (size_t)k;
	}
	return 0;
}

int
fl_pq_hybrid(const unsigned char *p, size_t n, unsigned w, uint32_t *out, size_t count,
    size_t step)
{
	struct hyb h;
	size_t k;

	if (w > 32 || step == 0)
		return -1;
	hyb_init(&h, p, n, w);
	while (count) {
		k = count < step ? count : step;
		if (hyb_get(&h, out, k) < 0)
			return -1;
		out += k;
		count -= k;
	}
	return 0;
}

/* --- DELTA_BINARY_PACKED --- */

struct delta {
	const unsigned char *p, *end;   /* the next block or miniblock */
	uint64_t last;                  /* the value before the next */
	uint64_t left;                  /* values left after the first */
	int first;                      /* the first value is yet to be taken */
	uint64_t per, nmini;            /* values a miniblock; miniblocks a block */
	uint64_t mi, vi;                /* the current miniblock; its next value */
	uint64_t mindelta;
	const unsigned char *widths;    /* of the block's miniblocks */
	const unsigned char *mb, *mbend;
	unsigned w;
};

static int
uvarint(const unsigned char **pp, const unsigned char *end, uint64_t *v)
{
	const unsigned char *p = *pp;
	unsigned s;

	*v = 0;
	for (s = 0; p < end && s < 64; s += 7) {
		*v |= (uint64_t)(*p & 0x7f) << s;
		if (!(*p++ & 0x80)) {
			*pp = p;
			return 0;
		}
	}
	return -1;
}

/* delta_init -- the header: block size, miniblocks a block, values, the
 * first value */
static int
delta_init(struct delta *d, const unsigned char *p, const unsigned char *end)
{
	uint64_t bsize, first;

	memset(d, 0, sizeof *d);
	if (uvarint(&p, end, &bsize) < 0 || uvarint(&p, end, &d->nmini) < 0 ||
	    uvarint(&p, end, &d->left) < 0 || uvarint(&p, end, &first) < 0)
		return -1;
	if (bsize == 0 || bsize % 128 || bsize > (1u << 20) || d->nmini == 0 ||
	    bsize % d->nmini || (bsize / d->nmini) % 8)
		return -1;
	d->per = bsize / d->nmini;
	d->first = d->left > 0;
	if (d->left)
		d->left--;
	d->last = (first >> 1) ^ -(first & 1);
	d->mi = d->nmini;
	d->vi = d->per;
	d->p = p;
	d->end = end;
	return 0;
}

/* delta_skip -- where the values end, walked without decoding them */
static int
delta_skip(const struct delta *d0, const unsigned char **endp)
{
	const unsigned char *p = d0->p, *end = d0->end, *wd;
	uint64_t left = d0->left, m, b, md;

	while (left) {
		if (uvarint(&p, end, &md) < 0 || (uint64_t)(end - p) < d0->nmini)
			return -1;
		wd = p;
		p += d0->nmini;
		for (m = 0; m < d0->nmini && left; m++) {
			if (wd[m] > 64)
				return -1;
			b = d0->per / 8 * wd[m];
			if (b > (uint64_t)(end - p))
				return -1;
			p += b;
			left -= left < d0->per ? left : d0->per;
		}
	}
	*endp = p;
	return 0;
}

static int
delta_next(struct delta *d, uint64_t *v)
{
	uint64_t x = 0, bit, b;
	unsigned got = 0, sh, take;

	if (d->first) {
		d->first = 0;
		*v = d->last;
		return 0;
	}
	if (d->left == 0)
		return -1;
	if (d->vi == d->per) {
		if (++d->mi >= d->nmini) {
			if (uvarint(&d->p, d->end, &x) < 0 ||
			    (uint64_t)(d->end - d->p) < d->nmini)
				return -1;
			d->mindelta = (x >> 1) ^ -(x & 1);
			d->widths = d->p;
			d->p += d->nmini;
			d->mi = 0;
		}
		if ((d->w = d->widths[d->mi]) > 64)
			return -1;
		b = d->per / 8 * d->w;
		if (b > (uint64_t)(d->end - d->p))
			return -1;
		d->mb = d->p;
		d->p += b;
		d->mbend = d->p;
		d->vi = 0;
	}
	x = 0;
	bit = d->vi * d->w;
	while (got < d->w) {
		sh = (unsigned)(bit & 7);
		take = 8 - sh < d->w - got ? 8 - sh : d->w - got;
		x |= (uint64_t)(d->mb[bit >> 3] >> sh & ((1u << take) - 1)) << got;
		got += take;
		bit += take;
	}
	d->vi++;
	d->left--;
	d->last += d->mindelta + x;
	*v = d->last;
	return 0;
}

/* --- the file --- */

struct pcol {                   /* a wanted column found in the schema */
	const char *name;       /* its text name, as wanted (a copy) */
	int leaf;               /* its index among the leaves: its chunk in a row group */
	int type, typelen;
	int optional;           /* definition level 0 or 1 */
	int uns;                /* an unsigned integer */
};

struct pchunk {                 /* a wanted column's chunk in one row group */
	uint64_t start, len;    /* from the dictionary page, or the first data page */
	int codec;
};

struct fl_pq {
	fl_pq_readfn *rd;
	void *ctx;
	int fd;
	uint64_t size;
	int ncol;
	struct pcol *col;
	int ngroup;
	uint64_t *rows;         /* of each row group */
	struct pchunk *ch;      /* ngroup x ncol */
	char *header;
};

struct selem {                  /* a SchemaElement, while the footer is read */
	const unsigned char *name;
	size_t namelen;
	int type, typelen, rep, nchild, conv;
};

static char openmsg[256];

static int
openfail(const char **why, const char *fmt, ...) FL_PRINTF(2, 3);

static int
openfail(const char **why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(openmsg, sizeof openmsg, fmt, ap);
	va_end(ap);
	*why = openmsg;
	return -1;
}

static int
preadfn(void *ctx, void *buf, size_t n, uint64_t off)
{
	int fd = *(const int *)ctx;
	unsigned char *b = buf;
	ssize_t r;

	while (n) {
		r = pread(fd, b, n > (1u << 30) ? (1u << 30) : n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = 0;
			return -1;
		}
		b += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static const char *
readerr(char *buf, size_t n)
{
	if (errno == 0)
		return "the file is shorter than it was";
	if (strerror_r(errno, buf, n) != 0)
		snprintf(buf, n, "error %d", errno);
	return buf;
}

/* samename -- whether a column's name is a wanted text name: '_' read as
 * '-', any case */
static int
samename(const unsigned char *col, size_t n, const char *want)
{
	size_t i;
	int a, b;

	for (i = 0; i < n; i++) {
		if (want[i] == '\0')
			return 0;
		a = col[i] == '_' ? '-' : col[i];
		b = want[i] == '_' ? '-' : (unsigned char)want[i];
		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (b >= 'A' && b <= 'Z')
			b += 'a' - 'A';
		if (a != b)
			return 0;
	}
	return want[n] == '\0';
}

static int
isint(int type)
{
	return type == T_INT32 || type == T_INT64;
}

/* schema -- the SchemaElement list at t: the wanted top-level leaves into
 * p->col, in the order wanted (an integer column first, if any); the
 * number of leaves in *nleaf */
static int
schema(struct fl_pq *p, struct th *t, const char *const *want, int *nleaf, const char **why)
{
	struct selem *e;
	uint64_t n, i;
	int et, last, id, type, sp = 0, nw = 0, k, j, rc;
	int64_t rem[MAXDEPTH + 1];
	int *leafof, *depthof;

	n = th_list(t, &et);
	if (t->bad || et != TH_STRUCT || n == 0)
		return openfail(why, "Parquet: bad schema in the file metadata");
	if (n > (uint64_t)(t->end - t->p))
		return openfail(why, "Parquet: bad schema in the file metadata");
	e = ecalloc((size_t)n, sizeof *e);
	leafof = ecalloc((size_t)n, sizeof *leafof);
	depthof = ecalloc((size_t)n, sizeof *depthof);
	for (i = 0; i < n && !t->bad; i++) {
		/* the numbers kept, by id: type 1, type length 2, repetition
		 * 3, children 5, converted type 6; the name is field 4 */
		int f[7] = { 0, -1, 0, -1, 0, -1, -1 };

		last = 0;
		while ((type = th_field(t, &last, &id)) != TH_STOP) {
			if (id == 4 && type == TH_BINARY) {
				e[i].namelen = (size_t)th_varint(t);
				e[i].name = t->p;
				th_need(t, e[i].namelen);
			} else if (id == 4) {
				t->bad = 1;
			} else if (id >= 1 && id <= 6) {
				f[id] = th_i32(t, type);
			} else {
				th_skip(t, type, 0, 2);
			}
		}
		e[i].type = f[1], e[i].typelen = f[2], e[i].rep = f[3];
		e[i].nchild = f[5], e[i].conv = f[6];
	}
	*nleaf = 0;
	if (t->bad)
		goto bad;
	/* the tree, depth first: rem[d] children left to see at depth d */
	if (e[0].nchild < 0)
		goto bad;
	rem[0] = e[0].nchild;
	for (i = 1; i < n; i++) {
		while (sp >= 0 && rem[sp] == 0)
			sp--;
		if (sp < 0)
			goto bad;
		rem[sp]--;
		depthof[i] = sp + 1;
		leafof[i] = -1;
		if (e[i].nchild > 0) {
			if (sp + 1 > MAXDEPTH)
				goto bad;
			rem[++sp] = e[i].nchild;
		} else {
			leafof[i] = (*nleaf)++;
		}
	}
	while (sp >= 0 && rem[sp] == 0)
		sp--;
	if (sp >= 0)
		goto bad;
	for (k = 0; want && want[k]; k++)
		nw++;
	p->col = ecalloc((size_t)nw + 1, sizeof *p->col);
	for (k = 0; k < nw; k++) {
		for (j = 0; j < k && !samename((const unsigned char *)want[j], strlen(want[j]),
		    want[k]); j++)
			;
		if (j < k)
			continue;               /* wanted twice */
		for (i = 1; i < n; i++)
			if (depthof[i] == 1 && samename(e[i].name, e[i].namelen, want[k]))
				break;
		if (i == n)
			continue;
		if (leafof[i] < 0) {
			rc = openfail(why, "Parquet: column %s is nested: not supported", want[k]);
			goto out;
		}
		if (e[i].rep == 2) {
			rc = openfail(why, "Parquet: column %s is repeated: not supported", want[k]);
			goto out;
		}
		if (e[i].type != T_INT32 && e[i].type != T_INT64 && e[i].type != T_BYTE_ARRAY &&
		    e[i].type != T_FIXED) {
			const char *tn = NAMEOF(typename, e[i].type);

			if (tn)
				rc = openfail(why, "Parquet: column %s of type %s not supported",
				    want[k], tn);
			else
				rc = openfail(why, "Parquet: column %s has no valid type", want[k]);
			goto out;
		}
		if (e[i].type == T_FIXED && e[i].typelen <= 0)
			goto bad;
		p->col[p->ncol].name = estrdup(want[k]);
		p->col[p->ncol].leaf = leafof[i];
		p->col[p->ncol].type = e[i].type;
		p->col[p->ncol].typelen = e[i].typelen;
		p->col[p->ncol].optional = e[i].rep == 1;
		/* UINT_8, UINT_16, UINT_32, UINT_64 */
		p->col[p->ncol].uns = e[i].conv >= 11 && e[i].conv <= 14;
		p->ncol++;
	}
	/* an integer column first: no line then reads as a comment or header */
	if (p->ncol && !isint(p->col[0].type)) {
		for (k = 1; k < p->ncol && !isint(p->col[k].type); k++)
			;
		if (k < p->ncol) {
			struct pcol c = p->col[k];

			memmove(p->col + 1, p->col, (size_t)k * sizeof *p->col);
			p->col[0] = c;
		}
	}
	rc = 0;
	goto out;
bad:
	rc = openfail(why, "Parquet: bad schema in the file metadata");
out:
	free(e);
	free(leafof);
	free(depthof);
	return rc;
}

/* colmeta -- a ColumnMetaData: the chunk of column c in row group g */
static int
colmeta(struct fl_pq *p, struct th *t, const struct pcol *c, int g, uint64_t rows,
    struct pchunk *ch, const char **why)
{
	int last = 0, id, type, ptype, codec;
	int64_t f[12], v, nval, csize, doff, dictoff;
	uint64_t end = p->size - 8;

	/* the fields kept, by id: type 1, codec 4, values 5, compressed
	 * size 7, data page offset 9, dictionary page offset 11 */
	for (id = 0; id < 12; id++)
		f[id] = -1;
	while ((type = th_field(t, &last, &id)) != TH_STOP) {
		if (id == 1 || id == 4)
			f[id] = th_i32(t, type);
		else if (id == 5 || id == 7 || id == 9 || id == 11)
			f[id] = th_int(t, type);
		else
			th_skip(t, type, 0, 4);
	}
	ptype = (int)f[1], codec = (int)f[4];
	nval = f[5], csize = f[7], doff = f[9], dictoff = f[11];
	if (t->bad)
		return 0;                   /* the caller says where */
	if (ptype != c->type)
		return openfail(why, "Parquet: column %s of row group %d: its chunk's type is not "
		    "the schema's", c->name, g);
	if (codec != C_NONE && codec != C_SNAPPY && codec != C_GZIP) {
		const char *cn = NAMEOF(codecname, codec);

		if (cn)
			return openfail(why, "Parquet: codec %s not supported", cn);
		return openfail(why, "Parquet: codec %d not supported", codec);
	}
	if (nval < 0 || (uint64_t)nval != rows)
		return openfail(why, "Parquet: column %s of row group %d holds %lld values for "
		    "%llu rows", c->name, g, (long long)nval, (unsigned long long)rows);
	v = dictoff > 0 && dictoff < doff ? dictoff : doff;
	if (csize < 0 || v < 4 || (uint64_t)v > end || (uint64_t)csize > end - (uint64_t)v ||
	    (csize == 0 && rows))
		return openfail(why, "Parquet: column %s of row group %d lies outside the file's "
		    "data (offset %lld, %lld bytes)", c->name, g, (long long)v, (long long)csize);
	ch->start = (uint64_t)v;
	ch->len = (uint64_t)csize;
	ch->codec = codec;
	return 0;
}

/* rowgroups -- the RowGroup list at t */
static int
rowgroups(struct fl_pq *p, struct th *t, int nleaf, const char **why)
{
	uint64_t n, i, nc, j;
	int et, last, id, type, k, g, clast, cid, ctype, found;
	int *wantof = emalloc(((size_t)nleaf + 1) * sizeof *wantof);
	int64_t rows;
	const unsigned char *cols;
	char *seen;

	for (k = 0; k < nleaf; k++)
		wantof[k] = -1;
	for (k = 0; k < p->ncol; k++)
		wantof[p->col[k].leaf] = k;
	seen = emalloc((size_t)p->ncol + 1);
	n = th_list(t, &et);
	if (n && et != TH_STRUCT)
		t->bad = 1;
	if (n > (uint64_t)(t->end - t->p) || n > INT32_MAX)
		t->bad = 1;
	if (!t->bad) {
		p->rows = ecalloc((size_t)n + 1, sizeof *p->rows);
		p->ch = ecalloc(((size_t)n + 1) * ((size_t)p->ncol + 1), sizeof *p->ch);
	}
	for (i = 0; i < n && !t->bad; i++) {
		g = (int)i;
		last = 0;
		rows = -1;
		cols = NULL;
		while ((type = th_field(t, &last, &id)) != TH_STOP) {
			if (id == 1 && type == TH_LIST)
				cols = t->p;        /* read once rows is known */
			if (id == 3)
				rows = th_int(t, type);
			else
				th_skip(t, type, 0, 2);
		}
		if (t->bad)
			break;
		if (rows < 0 || !cols) {
			free(wantof), free(seen);
			return openfail(why, "Parquet: row group %d without its rows or columns", g);
		}
		p->rows[g] = (uint64_t)rows;
		p->ngroup = g + 1;
		/* the columns */
		{
			struct th c = { cols, t->end, 0 };

			nc = th_list(&c, &et);
			if (!c.bad && (et != TH_STRUCT || nc != (uint64_t)nleaf)) {
				free(wantof), free(seen);
				return openfail(why, "Parquet: row group %d has %llu columns, the schema "
				    "%d", g, (unsigned long long)nc, nleaf);
			}
			memset(seen, 0, (size_t)p->ncol + 1);
			for (j = 0; j < nc && !c.bad; j++) {
				k = wantof[j];
				if (k < 0) {
					th_skip(&c, TH_STRUCT, 1, 3);
					continue;
				}
				clast = 0;
				found = 0;
				while ((ctype = th_field(&c, &clast, &cid)) != TH_STOP) {
					if (cid == 1 && ctype == TH_BINARY) {
						free(wantof), free(seen);
						return openfail(why, "Parquet: column chunks in other files "
						    "not supported");
					} else if (cid == 8 || cid == 9) {
						free(wantof), free(seen);
						return openfail(why, "Parquet: encrypted columns not "
						    "supported");
					} else if (cid == 3 && ctype == TH_STRUCT) {
						if (colmeta(p, &c, &p->col[k], g, p->rows[g],
						    &p->ch[(size_t)g * (size_t)p->ncol + (size_t)k], why) < 0) {
							free(wantof), free(seen);
							return -1;
						}
						found = 1;
					} else {
						th_skip(&c, ctype, 0, 4);
					}
				}
				if (!c.bad && !found) {
					free(wantof), free(seen);
					return openfail(why, "Parquet: column %s of row group %d without "
					    "its metadata", p->col[k].name, g);
				}
			}
			if (c.bad)
				t->bad = 1;
		}
	}
	free(wantof);
	free(seen);
	return 0;
}

static int
footer(struct fl_pq *p, const unsigned char *f, size_t n, const char *const *want,
    const char **why)
{
	struct th t = { f, f + n, 0 }, s;
	const unsigned char *sch = NULL, *rg = NULL;
	int last = 0, id, type, nleaf = 0;
	size_t hlen = 1;
	int k;

	while ((type = th_field(&t, &last, &id)) != TH_STOP) {
		if (id == 2 && type == TH_LIST)
			sch = t.p;
		else if (id == 4 && type == TH_LIST)
			rg = t.p;
		else if (id == 8 && type == TH_STRUCT)
			return openfail(why, "Parquet: encrypted files not supported");
		th_skip(&t, type, 0, 1);
	}
	if (t.bad)
		return openfail(why, "Parquet: bad file metadata (Thrift) at byte %zu of the footer",
		    (size_t)(t.p - f));
	if (!sch || !rg)
		return openfail(why, "Parquet: file metadata without its schema or row groups");
	s.p = sch;
	s.end = f + n;
	s.bad = 0;
	if (schema(p, &s, want, &nleaf, why) < 0)
		return -1;
	s.p = rg;
	s.bad = 0;
	if (rowgroups(p, &s, nleaf, why) < 0)
		return -1;
	if (s.bad)
		return openfail(why, "Parquet: bad row group metadata (Thrift) at byte %zu of the "
		    "footer", (size_t)(s.p - f));
	for (k = 0; k < p->ncol; k++)
		hlen += strlen(p->col[k].name) + 1;
	p->header = emalloc(hlen);
	p->header[0] = '\0';
	for (k = 0, hlen = 0; k < p->ncol; k++) {
		size_t l = strlen(p->col[k].name);

		if (k)
			p->header[hlen++] = ' ';
		memcpy(p->header + hlen, p->col[k].name, l);
		hlen += l;
		p->header[hlen] = '\0';
	}
	return 0;
}

struct fl_pq *
fl_pq_openrd(fl_pq_readfn *rd, void *ctx, uint64_t size, const char *const *want,
    const char **why)
{
	struct fl_pq *p;
	unsigned char head[4], tail[8], *f;
	uint64_t flen;
	char eb[128];
	int r;

	if (size < 12) {
		openfail(why, "Parquet: file too short (%llu bytes)", (unsigned long long)size);
		return NULL;
	}
	if (rd(ctx, head, 4, 0) < 0 || rd(ctx, tail, 8, size - 8) < 0) {
		openfail(why, "Parquet: read error: %s", readerr(eb, sizeof eb));
		return NULL;
	}
	if (memcmp(tail + 4, "PARE", 4) == 0) {
		openfail(why, "Parquet: encrypted files not supported");
		return NULL;
	}
	if (memcmp(head, "PAR1", 4) != 0 || memcmp(tail + 4, "PAR1", 4) != 0) {
		openfail(why, "Parquet: bad magic");
		return NULL;
	}
	flen = (uint64_t)tail[0] | (uint64_t)tail[1] << 8 | (uint64_t)tail[2] << 16 |
	    (uint64_t)tail[3] << 24;
	if (flen > size - 12) {
		openfail(why, "Parquet: footer length beyond the file");
		return NULL;
	}
	if (flen == 0) {
		openfail(why, "Parquet: empty footer");
		return NULL;
	}
	f = emalloc((size_t)flen);
	if (rd(ctx, f, (size_t)flen, size - 8 - flen) < 0) {
		openfail(why, "Parquet: read error: %s", readerr(eb, sizeof eb));
		free(f);
		return NULL;
	}
	p = ecalloc(1, sizeof *p);
	p->rd = rd;
	p->ctx = ctx;
	p->fd = -1;
	p->size = size - flen;          /* the data ends where the footer starts */
	r = footer(p, f, (size_t)flen, want, why);
	free(f);
	if (r < 0) {
		fl_pq_close(p);
		return NULL;
	}
	p->size = size;
	return p;
}

struct fl_pq *
fl_pq_open(int fd, uint64_t size, const char *const *want, const char **why)
{
	struct fl_pq *p;
	int *fdp = emalloc(sizeof *fdp);

	*fdp = fd;
	if ((p = fl_pq_openrd(preadfn, fdp, size, want, why)) == NULL) {
		free(fdp);
		return NULL;
	}
	p->fd = fd;
	free(fdp);
	p->ctx = &p->fd;
	return p;
}

void
fl_pq_close(struct fl_pq *p)
{
	int k;

	if (!p)
		return;
	for (k = 0; k < p->ncol; k++)
		free((char *)p->col[k].name);
	free(p->col);
	free(p->rows);
	free(p->ch);
	free(p->header);
	free(p);
}

const char *
fl_pq_header(const struct fl_pq *p)
{
	return p->header;
}

int
fl_pq_groups(const struct fl_pq *p)
{
	return p->ngroup;
}

uint64_t
fl_pq_rows(const struct fl_pq *p, int g)
{
	return g >= 0 && g < p->ngroup ? p->rows[g] : 0;
}

/* --- a row group --- */

struct gcol {
	const struct pcol *pc;
	const struct pchunk *ch;
	unsigned char *buf;     /* the chunk */
	size_t n, at;           /* its size; the next page header */
	int ndata;              /* data pages seen */
	/* the dictionary, as text: entry i is dtext[doff[i], doff[i + 1]) */
	int hasdict;
	char *dtext;
	size_t *doff;
	uint32_t nd;
	/* the current data page */
	unsigned char *pbuf;    /* decompressed pages */
	size_t pcap;
	uint64_t left;          /* values left in it, nulls too */
	int venc;               /* V_PLAIN, V_DICT, ... */
	struct hyb def, idx;
	struct delta dl;        /* DELTA_BINARY_PACKED values, or lengths */
	struct delta dp;        /* DELTA_BYTE_ARRAY prefix lengths */
	char *ab;               /* DELTA_BYTE_ARRAY values of the batch */
	size_t an, acap;
	size_t prevoff, prevlen;        /* the value before, in ab */
	const unsigned char *vp, *ve;   /* PLAIN values */
	unsigned char *wp;      /* the same, writable (blanks turned to '_') */
	/* the batch: row r is sp[r], sn[r] */
	const char **sp;
	uint32_t *sn;
	char *scratch;          /* bmax x SLOT: integers of a PLAIN page */
};

struct fl_pqg {
	const struct fl_pq *p;
	int g;
	uint64_t rows, done;
	int ncol;
	struct gcol *c;
	uint32_t nb, bi;        /* rows in the batch; the next to write */
	uint32_t bmax;          /* rows a batch holds */
	uint32_t *u32;          /* bmax: levels, indices */
	unsigned char *lv;      /* bmax: definition levels */
	int err;
	char msg[256];
};

static const char dash[PAD] = "-";

/* blank: bytes written '_' in a string, so that a value is one field */
static const unsigned char blank[256] = {
	['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1
};

static int
gfail(struct fl_pqg *g, const struct gcol *c, const char *fmt, ...) FL_PRINTF(3, 4);

static int
gfail(struct fl_pqg *g, const struct gcol *c, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (g->err)
		return -1;
	memcpy(g->msg, "Parquet: ", 9);
	va_start(ap, fmt);
	vsnprintf(g->msg + 9, sizeof g->msg - 9, fmt, ap);
	va_end(ap);
	n = strlen(g->msg);
	if (c)
		snprintf(g->msg + n, sizeof g->msg - n, " in column %s, row group %d", c->pc->name,
		    g->g);
	else
		snprintf(g->msg + n, sizeof g->msg - n, " in row group %d", g->g);
	g->err = 1;
	return -1;
}

struct fl_pqg *
fl_pq_group(const struct fl_pq *p, int gi, const char **why)
{
	struct fl_pqg *g;
	struct gcol *c;
	char eb[128];
	int k;

	if (gi < 0 || gi >= p->ngroup) {
		*why = "Parquet: no such row group";
		return NULL;
	}
	g = ecalloc(1, sizeof *g);
	g->p = p;
	g->g = gi;
	g->rows = p->rows[gi];
	g->ncol = p->ncol;
	g->c = ecalloc((size_t)p->ncol + 1, sizeof *g->c);
	/* a batch of at most the group's rows: a small group is small */
	g->bmax = g->rows < BATCH ? (uint32_t)g->rows + 1 : BATCH;
	g->u32 = emalloc(g->bmax * sizeof *g->u32);
	g->lv = emalloc(g->bmax);
	for (k = 0; k < p->ncol; k++) {
		c = &g->c[k];
		c->pc = &p->col[k];
		c->ch = &p->ch[(size_t)gi * (size_t)p->ncol + (size_t)k];
		c->sp = emalloc(g->bmax * sizeof *c->sp);
		c->sn = emalloc(g->bmax * sizeof *c->sn);
		c->scratch = emalloc(g->bmax * SLOT + PAD);
		if (g->err)
			continue;
		c->n = (size_t)c->ch->len;
		c->buf = emalloc(c->n + PAD);
		if (p->rd(p->ctx, c->buf, c->n, c->ch->start) < 0)
			gfail(g, c, "read error: %s", readerr(eb, sizeof eb));
	}
	return g;
}

void
fl_pq_groupclose(struct fl_pqg *g)
{
	int k;

	if (!g)
		return;
	for (k = 0; k < g->ncol; k++) {
		free(g->c[k].buf);
		free(g->c[k].dtext);
		free(g->c[k].doff);
		free(g->c[k].pbuf);
		free(g->c[k].sp);
		free(g->c[k].sn);
		free(g->c[k].scratch);
		free(g->c[k].ab);
	}
	free(g->c);
	free(g->u32);
	free(g->lv);
	free(g);
}

static const char digits2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* fmtint -- v in decimal, ending at end: its first byte */
static char *
fmtint(char *end, uint64_t v, int neg)
{
	char *s = end;

	while (v >= 100) {
		s -= 2;
		memcpy(s, digits2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		s -= 2;
		memcpy(s, digits2 + 2 * v, 2);
	} else {
		*--s = (char)('0' + v);
	}
	if (neg)
		*--s = '-';
	return s;
}

/* intval -- an integer of the column's type (its low 32 bits for INT32)
 * as text ending at end */
static char *
intval(const struct pcol *pc, uint64_t u, char *end)
{
	if (pc->type == T_INT32) {
		u &= 0xffffffffu;
		if (pc->uns || !(u & 0x80000000u))
			return fmtint(end, u, 0);
		return fmtint(end, 0x100000000u - u, 1);
	}
	if (pc->uns || !(u >> 63))
		return fmtint(end, u, 0);
	return fmtint(end, ~u + 1, 1);
}

/* intat -- the integer of a PLAIN value at q, as text ending at end */
static char *
intat(const struct pcol *pc, const unsigned char *q, char *end)
{
	uint64_t u = 0;
	int i;

	for (i = pc->type == T_INT32 ? 3 : 7; i >= 0; i--)
		u = u << 8 | q[i];
	return intval(pc, u, end);
}

static void
unblank(unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (blank[s[i]])
			s[i] = '_';
}

/* noread -- the end of a page's gzip stream: all of it is in the head */
static long
noread(void *ctx, unsigned char *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return 0;
}

/* getpage -- a page's data, decompressed: in[0, n) with codec into
 * c->pbuf, usize bytes exactly; *out the data (in itself if stored) */
static int
getpage(struct fl_pqg *g, struct gcol *c, int codec, const unsigned char *in, size_t n,
    uint64_t usize, unsigned char **out)
{
	const char *why;
	size_t outn, need;

	if (codec == C_NONE) {
		if (usize != n)
			return gfail(g, c, "stored page of %zu bytes says %llu", n,
			    (unsigned long long)usize);
		*out = (unsigned char *)in;
		return 0;
	}
	if (usize > PAGEMAX || usize > (uint64_t)n * 1032 + 1024)
		return gfail(g, c, "page of %zu compressed bytes says %llu uncompressed", n,
		    (unsigned long long)usize);
	need = (size_t)usize + (codec == C_GZIP ? FL_GZ_ROOM : 0) + PAD;
	if (c->pcap < need) {
		free(c->pbuf);
		c->pbuf = emalloc(need);
		c->pcap = need;
	}
	if (codec == C_SNAPPY) {
		if (fl_snappy(in, n, c->pbuf, (size_t)usize, &outn, &why) < 0)
			return gfail(g, c, "%s", why);
	} else {
		struct fl_gz *z = fl_gz_open(noread, NULL, in, n);
		int r;

		outn = 0;
		while ((r = fl_gz_read(z, c->pbuf, &outn, need)) > 0 && outn <= usize)
			;
		if (r < 0) {
			gfail(g, c, "gzip: %s", fl_gz_error(z) ? fl_gz_error(z) : "read error");
			fl_gz_close(z);
			return -1;
		}
		fl_gz_close(z);
	}
	if (outn != usize)
		return gfail(g, c, "page decompressed to %s bytes than it says",
		    outn < usize ? "fewer" : "more");
	*out = c->pbuf;
	return 0;
}

/* dictionary -- a dictionary page's nd PLAIN values q[0, n) as text */
static int
dictionary(struct fl_pqg *g, struct gcol *c, const unsigned char *q, size_t n, int64_t nd)
{
	const struct pcol *pc = c->pc;
	size_t i, at = 0, cap, len, w;
	char tmp[SLOT], *s;

	w = pc->type == T_INT32 ? 4 : pc->type == T_INT64 ? 8 : pc->type == T_FIXED ?
	    (size_t)pc->typelen : 4;
	if (nd < 0 || (uint64_t)nd > n / w || nd > UINT32_MAX - 1)
		return gfail(g, c, "dictionary of %lld values in %zu bytes", (long long)nd, n);
	cap = isint(pc->type) ? (size_t)nd * SLOT : n + (size_t)nd + 1;
	c->dtext = emalloc(cap + PAD);
	c->doff = emalloc(((size_t)nd + 1) * sizeof *c->doff);
	for (i = 0; i < (size_t)nd; i++) {
		c->doff[i] = at;
		if (isint(pc->type)) {
			s = intat(pc, q + i * w, tmp + SLOT);
			len = (size_t)(tmp + SLOT - s);
			memcpy(c->dtext + at, s, len);
			at += len;
			continue;
		}
		if (pc->type == T_BYTE_ARRAY) {
			len = (size_t)q[0] | (size_t)q[1] << 8 | (size_t)q[2] << 16 | (size_t)q[3] << 24;
			q += 4;
			n -= 4;
			if (len > n)
				return gfail(g, c, "dictionary value %zu beyond its page", i);
		} else {
			len = w;
		}
		if (len == 0) {
			c->dtext[at++] = '-';
		} else {
			memcpy(c->dtext + at, q, len);
			unblank((unsigned char *)c->dtext + at, len);
			at += len;
		}
		q += len;
		n -= len;
		if (pc->type == T_BYTE_ARRAY && i + 1 < (size_t)nd && n < 4)
			return gfail(g, c, "dictionary value %zu beyond its page", i + 1);
	}
	c->doff[nd] = at;
	c->nd = (uint32_t)nd;
	c->hasdict = 1;
	return 0;
}

/* values -- where a data page's values start: q[0, n) in encoding enc */
static int
values(struct fl_pqg *g, struct gcol *c, int enc, unsigned char *q, size_t n)
{
	const char *en;

	c->wp = q;
	c->vp = q;
	c->ve = q + n;
	if (enc == E_PLAIN) {
		c->venc = V_PLAIN;
		return 0;
	}
	if (enc == E_DELTA && isint(c->pc->type)) {
		c->venc = V_DELTA;
		if (delta_init(&c->dl, q, q + n) < 0)
			return gfail(g, c, "bad DELTA_BINARY_PACKED header");
		return 0;
	}
	if (enc == E_DELTA_LEN && c->pc->type == T_BYTE_ARRAY) {
		const unsigned char *e;

		c->venc = V_DELTA_LEN;
		if (delta_init(&c->dl, q, q + n) < 0 || delta_skip(&c->dl, &e) < 0)
			return gfail(g, c, "bad DELTA_LENGTH_BYTE_ARRAY lengths");
		c->vp = e;
		return 0;
	}
	if (enc == E_DELTA_BYTES && c->pc->type == T_BYTE_ARRAY) {
		const unsigned char *e;

		c->venc = V_DELTA_BYTES;
		if (delta_init(&c->dp, q, q + n) < 0 || delta_skip(&c->dp, &e) < 0 ||
		    delta_init(&c->dl, e, q + n) < 0 || delta_skip(&c->dl, &e) < 0)
			return gfail(g, c, "bad DELTA_BYTE_ARRAY lengths");
		c->vp = e;
		c->prevlen = 0;
		return 0;
	}
	if (enc == E_PLAIN_DICT || enc == E_RLE_DICT) {
		if (!c->hasdict)
			return gfail(g, c, "dictionary-encoded page without a dictionary");
		if (n < 1 || q[0] > 32)
			return gfail(g, c, "bad dictionary index width");
		c->venc = V_DICT;
		hyb_init(&c->idx, q + 1, n - 1, q[0]);
		return 0;
	}
	if ((en = NAMEOF(encname, enc)) != NULL)
		return gfail(g, c, "encoding %s not supported", en);
	return gfail(g, c, "encoding %d not supported", enc);
}

/* nextpage -- the chunk's next data page made current (a dictionary page
 * before it read on the way) */
static int
nextpage(struct fl_pqg *g, struct gcol *c)
{
	struct th t;
	int last, id, type, ptype, k, sl, sid, st;
	int64_t usize, csize, nv, enc, denc, dlen, rlen, nd;
	int compressed;
	unsigned char *data, *q;
	size_t hstart;

	for (;;) {
		if (c->at >= c->n)
			return gfail(g, c, "column chunk ends after %llu of %llu rows",
			    (unsigned long long)g->done, (unsigned long long)g->rows);
		hstart = c->at;
		t.p = c->buf + c->at;
		t.end = c->buf + c->n;
		t.bad = 0;
		last = 0;
		ptype = -1;
		usize = csize = nv = enc = denc = dlen = rlen = -1;
		compressed = 1;
		while ((type = th_field(&t, &last, &id)) != TH_STOP) {
			switch (id) {
			case 1:
				ptype = th_i32(&t, type);
				break;
			case 2:
				usize = th_i32(&t, type);
				break;
			case 3:
				csize = th_i32(&t, type);
				break;
			case 5:
			case 7:
			case 8:
				if (type != TH_STRUCT) {
					t.bad = 1;
					break;
				}
				k = id;
				sl = 0;
				while ((st = th_field(&t, &sl, &sid)) != TH_STOP) {
					if (sid == 1)
						nv = th_i32(&t, st);
					else if (sid == 2 && k != 8)
						enc = th_i32(&t, st);
					else if (sid == 3 && k == 5)
						denc = th_i32(&t, st);
					else if (sid == 4 && k == 8)
						enc = th_i32(&t, st);
					else if (sid == 5 && k == 8)
						dlen = th_i32(&t, st);
					else if (sid == 6 && k == 8)
						rlen = th_i32(&t, st);
					else if (sid == 7 && k == 8 && (st == TH_TRUE || st == TH_FALSE))
						compressed = st == TH_TRUE;
					else
						th_skip(&t, st, 0, 3);
				}
				break;
			default:
				th_skip(&t, type, 0, 2);
			}
		}
		if (t.bad)
			return gfail(g, c, "bad page header (Thrift) at byte %llu of the file",
			    (unsigned long long)(c->ch->start + hstart));
		c->at = (size_t)(t.p - c->buf);
		if (usize < 0 || csize < 0 || (uint64_t)csize > c->n - c->at)
			return gfail(g, c, "page size beyond the column chunk at byte %llu of the file",
			    (unsigned long long)(c->ch->start + hstart));
		data = c->buf + c->at;
		c->at += (size_t)csize;
		if (ptype == P_DICT) {
			if (c->hasdict || c->ndata)
				return gfail(g, c, "dictionary page after the first page");
			if (nv < 0 || enc < 0)
				return gfail(g, c, "dictionary page without its header");
			if (enc != E_PLAIN && enc != E_PLAIN_DICT)
				return gfail(g, c, "dictionary in encoding %s not supported",
				    NAMEOF(encname, enc) ? NAMEOF(encname, enc) : "unknown");
			if (getpage(g, c, c->ch->codec, data, (size_t)csize, (uint64_t)usize, &q) < 0)
				return -1;
			nd = nv;
			if (dictionary(g, c, q, (size_t)usize, nd) < 0)
				return -1;
			continue;
		}
		if (ptype != P_DATA && ptype != P_DATA2)
			continue;               /* an index page, or a kind unknown */
		c->ndata++;
		if (nv < 0 || enc < 0)
			return gfail(g, c, "data page without its header");
		if (ptype == P_DATA) {
			if (getpage(g, c, c->ch->codec, data, (size_t)csize, (uint64_t)usize, &q) < 0)
				return -1;
			if (c->pc->optional) {
				uint32_t l;

				if (denc != E_RLE) {
					const char *en = NAMEOF(encname, denc);

					return gfail(g, c, "definition levels in %s not supported",
					    en ? en : "an unknown encoding");
				}
				if (usize < 4)
					return gfail(g, c, "definition levels beyond the page");
				l = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
				    (uint32_t)q[3] << 24;
				if (l > (uint64_t)usize - 4)
					return gfail(g, c, "definition levels beyond the page");
				hyb_init(&c->def, q + 4, l, 1);
				q += 4 + l;
				usize -= 4 + (int64_t)l;
			}
			if (values(g, c, (int)enc, q, (size_t)usize) < 0)
				return -1;
		} else {
			if (dlen < 0 || rlen < 0 || dlen > csize - rlen || dlen + rlen > usize)
				return gfail(g, c, "levels beyond the page");
			if (c->pc->optional)
				hyb_init(&c->def, data + rlen, (size_t)dlen, 1);
			data += rlen + dlen;
			csize -= rlen + dlen;
			usize -= rlen + dlen;
			if (getpage(g, c, compressed ? c->ch->codec : C_NONE, data, (size_t)csize,
			    (uint64_t)usize, &q) < 0)
				return -1;
			if (values(g, c, (int)enc, q, (size_t)usize) < 0)
				return -1;
		}
		c->left = (uint64_t)nv;
		if (c->left)
			return 0;
	}
}

/* bytes -- n values of a DELTA_BYTE_ARRAY page, each the value before cut
 * to a prefix length, then a suffix, built in the column's arena */
static int
bytes(struct fl_pqg *g, struct gcol *c, uint32_t n)
{
	uint64_t pre, suf;
	uint32_t i;

	if (!c->ab) {
		c->acap = 4096;
		c->ab = emalloc(c->acap + PAD);
	}
	/* the value before (of the last batch) to the arena's start */
	memmove(c->ab, c->ab + c->prevoff, c->prevlen);
	c->prevoff = 0;
	c->an = c->prevlen;
	for (i = 0; i < n; i++) {
		if (delta_next(&c->dp, &pre) < 0 || delta_next(&c->dl, &suf) < 0)
			return gfail(g, c, "DELTA_BYTE_ARRAY lengths run out");
		if (pre > c->prevlen)
			return gfail(g, c, "DELTA_BYTE_ARRAY prefix longer than the value before");
		if (suf > (uint64_t)(c->ve - c->vp))
			return gfail(g, c, "values run out");
		if (pre + suf > ARENAMAX - c->an)
			return gfail(g, c, "DELTA_BYTE_ARRAY values too long");
		if (c->acap - c->an < pre + suf) {
			c->acap = c->acap * 2 + (size_t)(pre + suf) + 4096;
			if (c->acap > ARENAMAX)
				c->acap = ARENAMAX;
			c->ab = erealloc(c->ab, c->acap + PAD);
		}
		memmove(c->ab + c->an, c->ab + c->prevoff, (size_t)pre);
		memcpy(c->ab + c->an + pre, c->vp, (size_t)suf);
		c->vp += suf;
		unblank((unsigned char *)c->ab + c->an + pre, (size_t)suf);
		c->prevoff = c->an;
		c->prevlen = (size_t)(pre + suf);
		c->an += c->prevlen;
		g->u32[i] = (uint32_t)c->prevoff;
		c->sn[i] = (uint32_t)c->prevlen;
	}
	/* the arena has moved no more: its offsets become slices */
	for (i = 0; i < n; i++)
		c->sp[i] = c->sn[i] ? c->ab + g->u32[i] : dash;
	for (i = 0; i < n; i++)
		if (c->sn[i] == 0)
			c->sn[i] = 1;
	return 0;
}

/* fill -- n values of column c into its batch slices */
static int
fill(struct fl_pqg *g, struct gcol *c, uint32_t n)
{
	const struct pcol *pc = c->pc;
	uint32_t nn = n, i, j;
	size_t len, w;

	if (pc->optional) {
		if (hyb_get(&c->def, g->u32, n) < 0)
			return gfail(g, c, "definition levels run out");
		for (i = 0, nn = 0; i < n; i++) {
			if (g->u32[i] > 1)
				return gfail(g, c, "definition level %u out of range",
				    (unsigned)g->u32[i]);
			g->lv[i] = (unsigned char)g->u32[i];
			nn += g->u32[i];
		}
	}
	if (c->venc == V_DICT) {
		if (hyb_get(&c->idx, g->u32, nn) < 0)
			return gfail(g, c, "dictionary indices run out");
		for (i = 0; i < nn; i++) {
			uint32_t x = g->u32[i];

			if (x >= c->nd)
				return gfail(g, c, "dictionary index %u out of range", (unsigned)x);
			c->sp[i] = c->dtext + c->doff[x];
			c->sn[i] = (uint32_t)(c->doff[x + 1] - c->doff[x]);
		}
	} else if (c->venc == V_DELTA_BYTES) {
		if (bytes(g, c, nn) < 0)
			return -1;
	} else if (c->venc == V_DELTA) {
		for (i = 0; i < nn; i++) {
			char *end = c->scratch + (size_t)(i + 1) * SLOT;
			uint64_t u;

			if (delta_next(&c->dl, &u) < 0)
				return gfail(g, c, "DELTA_BINARY_PACKED values run out");
			c->sp[i] = intval(pc, u, end);
			c->sn[i] = (uint32_t)(end - c->sp[i]);
		}
	} else if (isint(pc->type)) {
		w = pc->type == T_INT32 ? 4 : 8;
		if ((size_t)(c->ve - c->vp) / w < nn)
			return gfail(g, c, "values run out");
		for (i = 0; i < nn; i++) {
			char *end = c->scratch + (size_t)(i + 1) * SLOT;
			char *s = intat(pc, c->vp, end);

			c->vp += w;
			c->sp[i] = s;
			c->sn[i] = (uint32_t)(end - s);
		}
	} else {
		for (i = 0; i < nn; i++) {
			if (c->venc == V_DELTA_LEN) {
				uint64_t u;

				if (delta_next(&c->dl, &u) < 0)
					return gfail(g, c, "DELTA_LENGTH_BYTE_ARRAY lengths run out");
				if (u > (uint64_t)(c->ve - c->vp))
					return gfail(g, c, "values run out");
				len = (size_t)u;
			} else if (pc->type == T_BYTE_ARRAY) {
				if (c->ve - c->vp < 4)
					return gfail(g, c, "values run out");
				len = (size_t)c->vp[0] | (size_t)c->vp[1] << 8 | (size_t)c->vp[2] << 16 |
				    (size_t)c->vp[3] << 24;
				c->vp += 4;
			} else {
				len = (size_t)pc->typelen;
			}
			if ((size_t)(c->ve - c->vp) < len)
				return gfail(g, c, "values run out");
			if (len == 0) {
				c->sp[i] = dash;
				c->sn[i] = 1;
				continue;
			}
			unblank(c->wp + (c->vp - (const unsigned char *)c->wp), len);
			c->sp[i] = (const char *)c->vp;
			c->sn[i] = (uint32_t)len;
			c->vp += len;
		}
	}
	if (pc->optional) {
		/* spread the values over the rows, from the end: j <= i */
		for (i = n, j = nn; i-- > 0;) {
			if (g->lv[i]) {
				j--;
				c->sp[i] = c->sp[j];
				c->sn[i] = c->sn[j];
			} else {
				c->sp[i] = dash;
				c->sn[i] = 1;
			}
		}
	}
	return 0;
}

/* batch -- the next rows of every column, as many as the current pages
 * all hold (at most bmax) */
static int
batch(struct fl_pqg *g)
{
	uint64_t n = g->rows - g->done;
	int k;

	if (n > g->bmax)
		n = g->bmax;
	for (k = 0; k < g->ncol; k++) {
		struct gcol *c = &g->c[k];

		while (c->left == 0)
			if (nextpage(g, c) < 0)
				return -1;
		if (c->left < n)
			n = c->left;
	}
	for (k = 0; k < g->ncol; k++) {
		if (fill(g, &g->c[k], (uint32_t)n) < 0)
			return -1;
		g->c[k].left -= n;
	}
	g->nb = (uint32_t)n;
	g->bi = 0;
	g->done += n;
	return 0;
}

/* headerlike -- whether a first field would make the line a comment or a
 * header line */
static int
headerlike(const char *s, size_t n)
{
	static const char v[] = "version", dv[] = "${version}";
	size_t i;

	if (n && s[0] == '#')
		return 1;
	if (n == 7) {
		for (i = 0; i < 7 && (s[i] | 0x20) == v[i]; i++)
			;
		return i == 7;
	}
	if (n == 10) {
		for (i = 0; i < 10 && (s[i] == dv[i] || (s[i] | 0x20) == dv[i]); i++)
			;
		return i == 10;
	}
	return 0;
}

int
fl_pq_text(struct fl_pqg *g, char *out, size_t *pos, size_t cap, const char **why)
{
	size_t at = *pos, start = at, len;
	uint32_t r;
	int k, ncol = g->ncol, guard = ncol && !isint(g->c[0].pc->type);

	if (g->err) {
		*why = g->msg;
		return -1;
	}
	if (ncol == 0 || at > cap)
		return 0;
	for (;;) {
		if (g->bi == g->nb) {
			if (g->done == g->rows)
				break;
			if (batch(g) < 0) {
				*pos = at;
				*why = g->msg;
				return -1;
			}
		}
		for (; g->bi < g->nb; g->bi++) {
			r = g->bi;
			len = (size_t)ncol;
			for (k = 0; k < ncol; k++)
				len += g->c[k].sn[r];
			if (len > cap - at) {
				*pos = at;
				if (at == 0) {
					gfail(g, NULL, "row %llu longer than the room for it (%zu bytes)",
					    (unsigned long long)(g->done - g->nb + r), cap);
					*why = g->msg;
					return -1;
				}
				return 1;
			}
			if (cap - at - len >= PAD) {
				/* room past the row: a short value as 16 bytes (every
				 * source has PAD bytes after it) */
				for (k = 0; k < ncol; k++) {
					uint32_t n = g->c[k].sn[r];

					if (n <= PAD)
						memcpy(out + at, g->c[k].sp[r], PAD);
					else
						memcpy(out + at, g->c[k].sp[r], n);
					at += n;
					out[at++] = ' ';
				}
			} else {
				for (k = 0; k < ncol; k++) {
					memcpy(out + at, g->c[k].sp[r], g->c[k].sn[r]);
					at += g->c[k].sn[r];
					out[at++] = ' ';
				}
			}
			out[at - 1] = '\n';
			if (guard && headerlike(out + at - len, g->c[0].sn[r]))
				out[at - len] = '_';
		}
	}
	*pos = at;
	return at > start;
}
