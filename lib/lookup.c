/* lookup.c -- the lookup table: CSV rows dstport,protocol,tag (or a header
 * naming those columns in any order). dstport is N, N-M or *; protocol a
 * name, a number or *. A flow takes the tag of the most specific row: the
 * narrowest port range (an exact port is a range of one, * is the widest),
 * then a named protocol before *, then the earlier row. Each protocol (and
 * *) gets a table of 65536 ports holding its winning row, so a lookup is
 * two array reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"

#define ANY 256

static int
hasctl(const char *s, size_t n)
{
	return memchr(s, '\t', n) || memchr(s, '\r', n) || memchr(s, '\n', n);
}

static int
colname(const char *want, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if ((unsigned)c - 'A' < 26)
			c += 32;
		if (want[i] == '\0' || want[i] != c)
			return 0;
	}
	return want[n] == '\0';
}

/* portspec -- N, N-M or *: 0, or -1 if it is none of them */
static int
portspec(const char *s, size_t n, unsigned *lo, unsigned *hi)
{
	const char *dash = memchr(s, '-', n);
	uint64_t a, b;

	if (n == 1 && s[0] == '*') {
		*lo = 0;
		*hi = 65535;
		return 0;
	}
	if (!dash) {
		if (fl_udec(s, n, 65535, &a) < 0)
			return -1;
		*lo = *hi = (unsigned)a;
		return 0;
	}
	if (fl_udec(s, (size_t)(dash - s), 65535, &a) < 0 ||
	    fl_udec(dash + 1, (size_t)(s + n - dash - 1), 65535, &b) < 0 || a > b)
		return -1;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
}

/* keyname -- "port,protocol" of a row, for messages */
static const char *
keyname(const struct fl_row *r, char *buf)
{
	char *p = buf;
	const char *name = "*";
	size_t n = 1;

	if (r->lo == 0 && r->hi == 65535) {
		*p++ = '*';
	} else {
		p = fl_utoa(p, r->lo);
		if (r->hi != r->lo) {
			*p++ = '-';
			p = fl_utoa(p, r->hi);
		}
	}
	*p++ = ',';
	if (r->proto != ANY)
		name = fl_proto_name(r->proto, &n);
	memcpy(p, name, n);
	p[n] = '\0';
	return buf;
}

static size_t
addtext(struct fl_lookup *lk, const char *s, size_t n)
{
	size_t off = lk->ntext;

	while (lk->ntext + n > lk->captext) {
		lk->captext = lk->captext ? lk->captext * 2 : 65536;
		lk->text = erealloc(lk->text, lk->captext);
	}
	memcpy(lk->text + lk->ntext, s, n);
	lk->ntext += n;
	return off;
}

static int
sametag(const struct fl_lookup *lk, const struct fl_row *r, const char *s, size_t n)
{
	return r->len == n && memcmp(lk->text + r->off, s, n) == 0;
}

/* isheader -- a first row is a header unless its first field starts with
 * a digit or *: then it is data, even a bad one (70000, 0x50, 8O) */
static int
isheader(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return n == 0 || (*s != '*' && (unsigned)(*s - '0') > 9);
}

/* blankrow -- a row of empty fields only (",," as spreadsheets write a
 * blank line) */
static int
blankrow(const struct fl_csv *c)
{
	int i;

	if (c->err)
		return 0;
	for (i = 0; i < c->nf && i < FL_CSV_MAXF; i++)
		if (c->fn[i])
			return 0;
	return 1;
}

/* header -- find the columns; -1 if one is missing. port stands for
 * dstport when there is no dstport column. */
static int
header(struct fl_csv *c, const char *name, int col[3])
{
	static const char *const want[3] = { "dstport", "protocol", "tag" };
	int i, j;

	for (i = 0; i < 3; i++) {
		col[i] = -1;
		for (j = 0; j < c->nf && j < FL_CSV_MAXF; j++)
			if (colname(want[i], c->f[j], c->fn[j])) {
				col[i] = j;
				break;
			}
		if (i == 0 && col[0] < 0)
			for (j = 0; j < c->nf && j < FL_CSV_MAXF; j++)
				if (colname("port", c->f[j], c->fn[j])) {
					col[0] = j;
					break;
				}
		if (col[i] < 0) {
			fl_linewarn(name, c->lineno, "header has no '%s' column", want[i]);
			return -1;
		}
	}
	return 0;
}

static void bad(struct fl_lookup *lk, const char *name, uint64_t line, const char *fmt, ...)
    FL_PRINTF(4, 5);

/* bad -- a bad row, reported as FILE:LINE: message */
static void
bad(struct fl_lookup *lk, const char *name, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fl_vlinewarn(name, line, fmt, ap);
	va_end(ap);
	lk->bad++;
	lk->problems++;
}

/* row -- check one data row and add it, unless it repeats a key */
static void
row(struct fl_lookup *lk, struct fl_csv *c, const int col[3], const char *name)
{
	const char *ps = c->f[col[0]], *pr = c->f[col[1]], *tg = c->f[col[2]];
	size_t pn = c->fn[col[0]], prn = c->fn[col[1]], tn = c->fn[col[2]];
	unsigned lo, hi;
	int proto;
	unsigned char key[6];
	uint64_t *v;
	struct fl_row *r;
	char kb[48];

	if (portspec(ps, pn, &lo, &hi) < 0) {
		bad(lk, name, c->lineno, "dstport '%s' is not a number 0..65535, a range N-M or *",
		    fl_quote(ps, pn));
		return;
	}
	if (prn == 1 && pr[0] == '*') {
		proto = ANY;
	} else if ((proto = fl_proto_parse(pr, prn)) < 0) {
		bad(lk, name, c->lineno, "protocol '%s' is unknown", fl_quote(pr, prn));
		return;
	}
	if (tn == 0) {
		bad(lk, name, c->lineno, "empty tag%s", "");
		return;
	}
	if (hasctl(tg, tn)) {
		bad(lk, name, c->lineno, "tag contains a tab, CR or LF%s", "");
		return;
	}
	key[0] = (unsigned char)(lo >> 8);
	key[1] = (unsigned char)lo;
	key[2] = (unsigned char)(hi >> 8);
	key[3] = (unsigned char)hi;
	key[4] = (unsigned char)(proto >> 8);
	key[5] = (unsigned char)proto;
	v = fl_map_get(&lk->keys, (const char *)key, 6, 1);
	if (*v) {
		char first[4 * 40 + 8];
		r = &lk->row[*v - 1];
		lk->dups++;
		strcpy(first, fl_quote(lk->text + r->off, r->len));
		if (!sametag(lk, r, tg, tn)) {
			lk->problems++;
			fl_linewarn(name, c->lineno,
			    "warning: duplicate key %s: tag '%s' ignored, line %llu has '%s'",
			    keyname(r, kb), fl_quote(tg, tn), (unsigned long long)r->line, first);
		} else if (lk->lint) {
			lk->problems++;
			fl_linewarn(name, c->lineno, "duplicate key %s: line %llu has the same tag",
			    keyname(r, kb), (unsigned long long)r->line);
		}
		return;
	}
	if (lk->nrow == lk->caprow) {
		lk->caprow = lk->caprow ? lk->caprow * 2 : 1024;
		lk->row = erealloc(lk->row, lk->caprow * sizeof(*lk->row));
	}
	r = &lk->row[lk->nrow];
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	r->proto = (uint16_t)proto;
	r->off = addtext(lk, tg, tn);
	r->len = tn;
	r->line = c->lineno;
	*v = ++lk->nrow;
}

static const struct fl_row *sortrows;

/* bywidth -- the order of preference: narrower first, then earlier */
static int
bywidth(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	unsigned wx = sortrows[x].hi - sortrows[x].lo, wy = sortrows[y].hi - sortrows[y].lo;

	if (wx != wy)
		return wx < wy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* winner -- the row (+1) that tags (port, proto), 0 for none: of the best
 * row of the protocol and the best * row, the narrower port range wins, at
 * equal width the named protocol */
static uint32_t
winner(const struct fl_lookup *lk, unsigned port, unsigned proto)
{
	uint32_t a = lk->best[proto] ? lk->best[proto][port] : 0;
	uint32_t b = lk->best[ANY] ? lk->best[ANY][port] : 0;

	if (a && b) {
		const struct fl_row *ra = &lk->row[a - 1], *rb = &lk->row[b - 1];
		return rb->hi - rb->lo < ra->hi - ra->lo ? b : a;
	}
	return a ? a : b;
}

/* bystart -- ranges by their first port, then by row */
static int
bystart(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (sortrows[x].lo != sortrows[y].lo)
		return sortrows[x].lo < sortrows[y].lo ? -1 : 1;
	return x < y ? -1 : x > y;
}

#define LINTOPEN 1000

/* paint -- fill each protocol's port table with its winning rows, best
 * first, each port once: next[] skips the ports already taken */
static void
paint(struct fl_lookup *lk)
{
	uint32_t *idx, *next = NULL;
	size_t *count, *start, i;
	unsigned p;

	count = ecalloc(ANY + 2, sizeof(*count));
	start = ecalloc(ANY + 2, sizeof(*start));
	for (i = 0; i < lk->nrow; i++)
		count[lk->row[i].proto]++;
	for (p = 1; p <= ANY + 1; p++)
		start[p] = start[p - 1] + count[p - 1];
	idx = emalloc((lk->nrow ? lk->nrow : 1) * sizeof(*idx));
	for (i = 0; i < lk->nrow; i++)
		idx[start[lk->row[i].proto]++] = (uint32_t)i;
	sortrows = lk->row;
	/* the tables in one piece (on huge pages when it is large) */
	for (p = 0, i = 0; p <= ANY; p++)
		i += count[p] != 0;
	if (i) {
		lk->tables = fl_bigalloc(i * 65536 * sizeof(uint32_t));
		memset(lk->tables, 0, i * 65536 * sizeof(uint32_t));
	}
	for (p = 0, i = 0; p <= ANY; p++)
		if (count[p])
			lk->best[p] = lk->tables + 65536 * i++;
	for (p = 0, i = 0; p <= ANY; i += count[p], p++) {
		size_t j;
		if (!count[p])
			continue;
		qsort(idx + i, count[p], sizeof(*idx), bywidth);
		if (lk->row[idx[i + count[p] - 1]].hi == lk->row[idx[i + count[p] - 1]].lo) {
			/* single ports only (the widest is one): each port once */
			for (j = i; j < i + count[p]; j++)
				if (!lk->best[p][lk->row[idx[j]].lo])
					lk->best[p][lk->row[idx[j]].lo] = idx[j] + 1;
			continue;
		}
		if (!next)
			next = emalloc(65537 * sizeof(*next));
		for (j = 0; j <= 65536; j++)
			next[j] = (uint32_t)j;
		for (j = i; j < i + count[p]; j++) {
			const struct fl_row *r = &lk->row[idx[j]];
			uint32_t x = r->lo, y;
			for (;;) {
				/* the first free port at or after x, halving paths */
				while (next[x] != x) {
					next[x] = next[next[x]];
					x = next[x];
				}
				if (x > r->hi)
					break;
				lk->best[p][x] = idx[j] + 1;
				next[x] = x + 1;
				y = x + 1;
				x = y;
			}
		}
	}
	free(next);
	free(idx);
	free(count);
	free(start);
}

/* lint -- what a table's author should know: rows that never apply, and
 * ranges that partly overlap one with another tag */
static void
lint(struct fl_lookup *lk, const char *name)
{
	uint32_t *wins = ecalloc(lk->nrow + 1, sizeof(*wins));
	uint32_t *idx, *open;
	size_t i, n;
	unsigned p, port, named;
	char kb[48], kb2[48];

	/* a row applies where it wins the lookup: for each protocol with rows
	 * of its own, and for * rows also on every protocol without any */
	for (p = 0, named = 0; p < ANY; p++) {
		if (!lk->best[p])
			continue;
		named++;
		for (port = 0; port < 65536; port++)
			wins[winner(lk, port, p)]++;
	}
	if (named < ANY && lk->best[ANY])
		for (port = 0; port < 65536; port++)
			wins[lk->best[ANY][port]]++;
	for (i = 0; i < lk->nrow; i++)
		if (wins[i + 1] == 0) {
			lk->problems++;
			fl_linewarn(name, lk->row[i].line,
			    "row %s never applies: more specific or earlier rows cover all its ports",
			    keyname(&lk->row[i], kb));
		}
	free(wins);
	/* partial overlaps: per protocol, ranges by start, each against the
	 * ranges still open at its start (at most LINTOPEN of them) */
	idx = emalloc((lk->nrow ? lk->nrow : 1) * sizeof(*idx));
	open = emalloc((lk->nrow ? lk->nrow : 1) * sizeof(*open));
	for (p = 0; p <= ANY; p++) {
		size_t j, nopen = 0;
		for (n = 0, i = 0; i < lk->nrow; i++)
			if (lk->row[i].proto == p && lk->row[i].hi > lk->row[i].lo)
				idx[n++] = (uint32_t)i;
		sortrows = lk->row;
		qsort(idx, n, sizeof(*idx), bystart);
		for (i = 0; i < n; i++) {
			const struct fl_row *b = &lk->row[idx[i]];
			size_t keep = 0;
			for (j = 0; j < nopen; j++)
				if (lk->row[open[j]].hi >= b->lo)
					open[keep++] = open[j];
			nopen = keep;
			for (j = 0; j < nopen && j < LINTOPEN; j++) {
				const struct fl_row *a = &lk->row[open[j]];
				if (a->lo < b->lo && b->hi > a->hi &&
				    !sametag(lk, a, lk->text + b->off, b->len)) {
					lk->problems++;
					fl_linewarn(name, b->line,
					    "range %s partly overlaps line %llu (%s) with another tag",
					    keyname(b, kb), (unsigned long long)a->line, keyname(a, kb2));
					break;
				}
			}
			open[nopen++] = idx[i];
		}
	}
	free(open);
	free(idx);
}

/* fl_lookup_load -- parse a table held in buf (changed in place); bad rows
 * are reported and skipped; -1 for a header without a needed column */
int
fl_lookup_load(struct fl_lookup *lk, char *buf, size_t n, const char *name)
{
	struct fl_csv c;
	int col[3] = { 0, 1, 2 }, nf = 3, first = 1, linting = lk->lint;

	memset(lk, 0, sizeof(*lk));
	lk->lint = linting;
	fl_map_init(&lk->keys);
	fl_csv_init(&c, buf, n);
	while (fl_csv_next(&c)) {
		if (blankrow(&c))
			continue;
		if (first) {
			first = 0;
			if (isheader(c.f[0], c.fn[0])) {
				if (header(&c, name, col) < 0) {
					fl_map_free(&lk->keys);
					return -1;
				}
				nf = c.nf;
				continue;
			}
		}
		lk->rows++;
		if (c.err) {
			bad(lk, name, c.lineno, "%s", c.err);
			continue;
		}
		if (c.nf != nf) {
			char why[64];
			snprintf(why, sizeof(why), "%d fields, expected %d", c.nf, nf);
			bad(lk, name, c.lineno, "%s", why);
			continue;
		}
		row(lk, &c, col, name);
	}
	fl_map_free(&lk->keys);
	paint(lk);
	if (lk->lint)
		lint(lk, name);
	return 0;
}

/* fl_lookup_read -- load the table from a file; -1 after a message */
int
fl_lookup_read(struct fl_lookup *lk, const char *path)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	ssize_t r;
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);

	if (fd < 0) {
		fl_warn("%s:", path);
		return -1;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = erealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fl_warn("%s:", path);
			free(buf);
			if (fd)
				close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (fd)
		close(fd);
	r = fl_lookup_load(lk, buf, n, path);
	free(buf);
	return (int)r;
}

/* fl_lookup_get -- the tag of (port, proto), or NULL */
const char *
fl_lookup_get(struct fl_lookup *lk, unsigned port, unsigned proto, size_t *len)
{
	uint32_t w = winner(lk, port & 65535, proto & 255);

	if (!w)
		return NULL;
	*len = lk->row[w - 1].len;
	return lk->text + lk->row[w - 1].off;
}

void
fl_lookup_free(struct fl_lookup *lk)
{
	free(lk->tables);
	free(lk->row);
	free(lk->text);
	memset(lk, 0, sizeof(*lk));
}
