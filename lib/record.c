/* record.c -- the rules of one line of an AWS VPC flow log: header,
 * comment, flow, NODATA or malformed record */
#include <string.h>

#include "flow.h"
#include "filter.h"
#include "split.h"

static int
isdash(const char *s, size_t n)
{
	return n == 1 && s[0] == '-';
}

/* keyfield -- field k of r as a number up to max into *out: 0, or -1 with
 * the error err noted in r */
static int
keyfield(struct fl_rec *r, int k, uint64_t max, int err, unsigned *out)
{
	uint64_t v;

	if (fl_udec(r->f[k], r->fn[k], max, &v) < 0) {
		r->err = err;
		r->errfield = k;
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* classify -- the rules, on a line whose key and status fields are in r */
static int
classify(const struct fl_fmt *fmt, struct fl_rec *r, int portok, int protook)
{
	if (fmt->status >= 0) {
		const char *st = r->f[fmt->status];
		size_t sn = r->fn[fmt->status];
		if ((sn == 6 || sn == 8) &&
		    (nameeq("nodata", st, sn) || nameeq("skipdata", st, sn)))
			return FL_NODATA;
	}
	if (isdash(r->f[fmt->dstport], r->fn[fmt->dstport]) ||
	    isdash(r->f[fmt->protocol], r->fn[fmt->protocol]))
		return FL_NODATA;
	if ((!portok && keyfield(r, fmt->dstport, 65535, FL_EPORT, &r->port) < 0) ||
	    (!protook && keyfield(r, fmt->protocol, 255, FL_EPROTO, &r->proto) < 0))
		return FL_MALFORMED;
	return FL_FLOW;
}

/* isheader -- whether a line, from its first field (not blank, fn0 bytes)
 * on, names the fields of the records after it: its first field is
 * version, or every one is an AWS field name (written plain or ${name}, in
 * any case) */
static int
isheader(const char *s, size_t n, size_t fn0)
{
	size_t i = fn0, b = 0, fn;
	const char *f;

	for (;;) {
		f = s + b;
		fn = i - b;
		unwrap(&f, &fn);
		if (b == 0 && nameeq("version", f, fn))
			return 1;
		if (!fl_field_known(f, fn))
			return 0;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			return 1;
		for (b = i; i < n && s[i] != ' ' && s[i] != '\t'; i++)
			;
	}
}

/* locate -- the offset of field t (< field count) of the line scan put in
 * wd: its word found by counting */
static size_t
locate(struct words *wd, size_t nw, int t)
{
	uint16_t *end = wd->end;
	size_t w, wi = 0;

	for (w = nw; w % 8; w++)
		end[w] = UINT16_MAX;
	for (w = 0; w < nw; w += 8)
		wi += (size_t)(end[w] <= t) + (end[w + 1] <= t) + (end[w + 2] <= t) +
		    (end[w + 3] <= t) + (end[w + 4] <= t) + (end[w + 5] <= t) +
		    (end[w + 6] <= t) + (end[w + 7] <= t);
	return at(wd, wi, t);
}

/* slowparse -- every field split byte by byte: long lines, big-endian */
static int
slowparse(const struct fl_fmt *fmt, const char *s, size_t n, int stamped, struct fl_rec *r)
{
	size_t d = stamped ? 0 : stamp(s, n);
	int k = fl_splitbytes(s + d, n - d, r);

	if (k == 0 || r->f[0][0] == '#')
		return FL_SKIP;
	if (isheader(r->f[0], (size_t)(s + n - r->f[0]), r->fn[0]))
		return FL_HEADER;
	if (k != fmt->nfields) {
		r->err = FL_ECOUNT;
		return FL_MALFORMED;
	}
	return classify(fmt, r, 0, 0);
}

/* keyat -- field t of r, at s[p]: 1 with *out set if it is a number up to
 * max; else 0, the field's length set for classify to judge it */
static FL_INLINE int
keyat(struct fl_rec *r, int t, const char *s, size_t n, size_t p, uint64_t max, unsigned *out)
{
	uint64_t v;

	r->f[t] = s + p;
	if (num(s, n, p, &v, &r->fn[t]) == 0 && v <= max) {
		*out = (unsigned)v;
		return 1;
	}
	r->fn[t] = fieldlen(s, n, p);
	return 0;
}

static FL_NOINLINE int unstamped(const struct fl_fmt *fmt, const char *s, size_t n, int notab,
    size_t room, struct fl_rec *r);

/* parse -- fl_parse; notab: the caller knows the line holds no tab; room:
 * the bytes that can be read from s; stamped: s is the rest of a line after
 * its timestamp (fl_stamp), so that a second timestamp is a field */
static FL_INLINE int
parse(const struct fl_fmt *fmt, const char *s, size_t n, int notab, size_t room, int stamped,
    struct fl_rec *r)
{
	struct words wd;
	size_t nw, wt, p, q, first = 0, d;
	int k, i, t, portok, protook;

	if (!littleendian() || n > 8 * (FASTWORDS - 1))
		return slowparse(fmt, s, n, stamped, r);
	t = fmt->dstport;
	if (!notab && memchr(s, '\t', n)) {
		k = scan(s, n, t, 1, &wd, &nw, &wt);
	} else {
		if (fmt->quick && fast(fmt, s, n, room, r) == FL_FLOW)
			return FL_FLOW;
		k = scan(s, n, t, 0, &wd, &nw, &wt);
	}
	r->nf = k;
	if (k == 0)
		return FL_SKIP;
	while (s[first] == ' ' || s[first] == '\t')
		first++;
	if (s[first] == '#')
		return FL_SKIP;
	/* a timestamp before the record (the fast paths leave such lines
	 * here): the record is the rest, which may take the fast path */
	if (!stamped && n - first >= 20 && s[first + 4] == '-' &&
	    (d = fl_stamp(s + first, n - first)) > 0)
		return unstamped(fmt, s + first + d, n - first - d, notab,
		    room > first + d ? room - first - d : 0, r);
	r->f[0] = s + first;
	r->fn[0] = fieldlen(s, n, first);
	if ((unsigned)((s[first] | 0x20) - 'a') < 26 || s[first] == '$')
		if (isheader(s + first, n - first, r->fn[0]))
			return FL_HEADER;
	if (k != fmt->nfields) {
		r->err = FL_ECOUNT;
		return FL_MALFORMED;
	}

	p = at(&wd, wt, t);
	portok = keyat(r, t, s, n, p, 65535, &r->port);

	t = fmt->protocol;
	if (t == fmt->dstport + 1) {
		for (q = p + r->fn[fmt->dstport]; s[q] == ' ' || s[q] == '\t'; q++)
			;
	} else {
		q = locate(&wd, nw, t);
	}
	protook = keyat(r, t, s, n, q, 255, &r->proto);

	if ((t = fmt->status) >= 0) {
		if (t == k - 1) {
			size_t e = n, b;
			while (s[e - 1] == ' ' || s[e - 1] == '\t')
				e--;
			for (b = e; b > 0 && s[b - 1] != ' ' && s[b - 1] != '\t'; b--)
				;
			r->f[t] = s + b;
			r->fn[t] = e - b;
		} else {
			q = locate(&wd, nw, t);
			r->f[t] = s + q;
			r->fn[t] = fieldlen(s, n, q);
		}
	}
	if ((k = classify(fmt, r, portok, protook)) != FL_FLOW)
		return k;
	for (i = 0; i <= fmt->nsel; i++) {
		t = i < fmt->nsel ? fmt->sel[i] : fmt->measure;
		if (t < 0 || t == fmt->dstport || t == fmt->protocol || t == fmt->status || t == 0)
			continue;
		q = locate(&wd, nw, t);
		r->f[t] = s + q;
		r->fn[t] = fieldlen(s, n, q);
	}
	return FL_FLOW;
}

/* unstamped -- parse on the record after a line's timestamp: a function of
 * its own, kept out of the copies of parsenotab (FL_NOINLINE), where it
 * would cost the lines without a timestamp 1 to 3% */
static FL_NOINLINE int
unstamped(const struct fl_fmt *fmt, const char *s, size_t n, int notab, size_t room,
    struct fl_rec *r)
{
	return parse(fmt, s, n, notab, room, 1, r);
}

/* faststamped -- fast on the record after a line's timestamp, if it has
 * one (*d its length): out of quicklines' loop (FL_NOINLINE), which it
 * would slow down */
static FL_NOINLINE int
faststamped(const struct fl_fmt *fmt, const char *s, size_t n, size_t room, struct fl_rec *r,
    size_t *d)
{
	*d = stamp(s, n);
	return *d ? fast(fmt, s + *d, n - *d, room - *d, r) : -1;
}

/* takeline -- the line at l (room bytes readable) as the fast path takes
 * it: its length (without the newline), its key in r, the length of a
 * timestamp before the record in *d; 0 where the fast path stops (no
 * newline, an empty line, a CR, a line it cannot decide) */
static inline size_t
takeline(const struct fl_fmt *fmt, const char *l, size_t room, struct fl_rec *r, size_t *d)
{
	const char *nl = memchr(l, '\n', room);
	size_t n;

	if (!nl)
		return 0;
	n = (size_t)(nl - l);
	if (n == 0 || l[n - 1] == '\r')
		return 0;
	*d = 0;
	if (fast(fmt, l, n, room, r) != FL_FLOW && faststamped(fmt, l, n, room, r, d) != FL_FLOW)
		return 0;
	return n;
}

/* quicklines -- fl_quick_lines, in its copies (FL_CLONES) */
static FL_CLONES size_t
quicklines(const struct fl_fmt *fmt, const char *s, size_t avail, size_t lim,
    uint32_t *keys, size_t max, size_t *used)
{
	struct fl_rec r;        /* only the key is kept: the rest of its stores go */
	size_t pos = 0, k = 0, n, d;

	if (fmt->quick && littleendian()) {
		while (k < max && pos < lim && (n = takeline(fmt, s + pos, avail - pos, &r, &d)) > 0) {
			keys[k++] = (uint32_t)r.proto << 16 | r.port;
			pos += n + 1;
		}
	}
	*used = pos;
	return k;
}

/* fl_quick_lines -- the plain flow lines at the start of s (avail bytes,
 * no tab among them; a timestamp before the record is fine), each ended by
 * a newline and starting before lim: their keys (protocol << 16 | port)
 * into keys, at most max of them. Stops at the first line the fast path
 * cannot decide; *used is the bytes taken. */
size_t
fl_quick_lines(const struct fl_fmt *fmt, const char *s, size_t avail, size_t lim,
    uint32_t *keys, size_t max, size_t *used)
{
	return quicklines(fmt, s, avail, lim, keys, max, used);
}

/* spot -- field t of a line quickshort took (fields one space apart, none
 * at either end, nf of them): from the nearer end */
static void
spot(const char *s, size_t n, int nf, int t, struct fl_rec *r)
{
	size_t b, e;
	int k;

	if (t < nf / 2) {
		/* eight bytes at a time: a high bit for each space, counted */
		for (b = 0, k = t; k > 0 && b + 8 <= n; b += 8) {
			uint64_t y = load8(s + b) ^ 0x2020202020202020ULL;
			uint64_t m = ~(((y & 0x7f7f7f7f7f7f7f7fULL) + 0x7f7f7f7f7f7f7f7fULL) | y) &
			    0x8080808080808080ULL;
			int c = (int)(((m >> 7) * 0x0101010101010101ULL) >> 56);
			if (c < k) {
				k -= c;
				continue;
			}
			while (--k > 0)
				m &= m - 1;
			b += (size_t)(ctz(m) >> 3) + 1;
			break;
		}
		for (; k > 0; b++)
			k -= s[b] == ' ';
		for (e = b; e < n && s[e] != ' '; e++)
			;
	} else {
		for (e = n, k = nf - 1 - t; k > 0; e--)
			k -= s[e - 1] == ' ';
		for (b = e; b > 0 && s[b - 1] != ' '; b--)
			;
	}
	r->f[t] = s + b;
	r->fn[t] = e - b;
}

/* fl_quick_filter -- fl_quick_lines with the -w filters: the flow lines
 * the fast path takes are tested against fb, which reads the nidx fields
 * in idx; the keys of those that pass go into keys, with the index of
 * their line among the lines taken into at. *lines is the lines taken (at
 * most max), *used their bytes. */
size_t
fl_quick_filter(const struct fl_fmt *fmt, const struct fl_fbound *fb, const int *idx, int nidx,
    const char *s, size_t avail, size_t lim, uint32_t *keys, uint16_t *at, size_t max,
    size_t *used, size_t *lines)
{
	struct fl_rec r;
	size_t pos = 0, k = 0, i = 0, n, d;
	int j;

	if (fmt->quick && littleendian()) {
		for (; i < max && pos < lim; i++) {
			const char *l = s + pos;
			if ((n = takeline(fmt, l, avail - pos, &r, &d)) == 0)
				break;
			/* where quickshort took the line, its fields are one
			 * space apart; quick allows runs of blanks: split it all */
			if (n - d >= 32 && n - d <= 127 && avail - pos - d >= 136) {
				r.nf = fmt->nfields;
				for (j = 0; j < nidx; j++)
					spot(l + d, n - d, fmt->nfields, idx[j], &r);
			} else
				fl_splitbytes(l + d, n - d, &r);
			if (fl_filter_test(fb, &r)) {
				keys[k] = (uint32_t)r.proto << 16 | r.port;
				at[k++] = (uint16_t)i;
			}
			pos += n + 1;
		}
	}
	*used = pos;
	*lines = i;
	return k;
}

/* fl_parse -- classify one line (without its newline) and take its key;
 * r->f and r->fn are set for the key, the status and the -f fields */
int
fl_parse(const struct fl_fmt *fmt, const char *s, size_t n, struct fl_rec *r)
{
	return parse(fmt, s, n, 0, 0, 0, r);
}

/* parsenotab -- fl_parse_notab, in its copies (FL_CLONES), with the fast
 * path inlined whole (FL_FLATTEN) so that it is in each copy too */
static FL_CLONES FL_FLATTEN int
parsenotab(const struct fl_fmt *fmt, const char *s, size_t n, size_t room, struct fl_rec *r)
{
	return parse(fmt, s, n, 1, room, 0, r);
}

/* fl_parse_notab -- fl_parse on a line the caller knows has no tab, with
 * room bytes readable from s (the line, its newline and what follows it in
 * the buffer): with 136 or more a short line takes quickshort */
int
fl_parse_notab(const struct fl_fmt *fmt, const char *s, size_t n, size_t room, struct fl_rec *r)
{
	return parsenotab(fmt, s, n, room, r);
}
