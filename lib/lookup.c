/* lookup.c -- the lookup table: CSV rows dstport,protocol,tag (or a header
 * naming those columns in any order) into a map from (port, protocol) */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"

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

/* header -- find the columns; -1 if one is missing */
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
		if (col[i] < 0) {
			fl_linewarn(name, c->lineno, "header has no '%s' column", want[i]);
			return -1;
		}
	}
	return 0;
}

/* fl_lookup_load -- parse a table held in buf (changed in place); bad rows
 * are reported and skipped; -1 for a header without a needed column */
int
fl_lookup_load(struct fl_lookup *lk, char *buf, size_t n, const char *name)
{
	struct fl_csv c;
	int col[3] = { 0, 1, 2 }, nf = 3, first = 1;

	memset(lk, 0, sizeof(*lk));
	fl_map_init(&lk->map);
	fl_csv_init(&c, buf, n);
	while (fl_csv_next(&c)) {
		const char *ps, *pr, *tg;
		size_t pn, prn, tn;
		uint64_t port, *v;
		int proto;
		unsigned char key[3];

		if (first) {
			first = 0;
			if (!fl_isdigits(c.f[0], c.fn[0])) {
				if (header(&c, name, col) < 0) {
					fl_lookup_free(lk);
					return -1;
				}
				nf = c.nf;
				continue;
			}
		}
		lk->rows++;
		if (c.err) {
			fl_linewarn(name, c.lineno, "%s", c.err);
			lk->bad++;
			continue;
		}
		if (c.nf != nf) {
			fl_linewarn(name, c.lineno, "%d fields, expected %d", c.nf, nf);
			lk->bad++;
			continue;
		}
		ps = c.f[col[0]], pn = c.fn[col[0]];
		pr = c.f[col[1]], prn = c.fn[col[1]];
		tg = c.f[col[2]], tn = c.fn[col[2]];
		if (fl_udec(ps, pn, 65535, &port) < 0) {
			fl_linewarn(name, c.lineno, "dstport '%s' is not a number 0..65535",
			    fl_quote(ps, pn));
			lk->bad++;
			continue;
		}
		if ((proto = fl_proto_parse(pr, prn)) < 0) {
			fl_linewarn(name, c.lineno, "protocol '%s' is unknown", fl_quote(pr, prn));
			lk->bad++;
			continue;
		}
		if (tn == 0) {
			fl_linewarn(name, c.lineno, "empty tag");
			lk->bad++;
			continue;
		}
		if (hasctl(tg, tn)) {
			fl_linewarn(name, c.lineno, "tag contains a tab, CR or LF");
			lk->bad++;
			continue;
		}
		key[0] = (unsigned char)(port >> 8);
		key[1] = (unsigned char)port;
		key[2] = (unsigned char)proto;
		v = fl_map_get(&lk->map, (const char *)key, 3, 1);
		if (*v) {
			struct fl_tag *t = &lk->tag[*v - 1];
			lk->dups++;
			if (t->len != tn || memcmp(lk->text + t->off, tg, tn) != 0) {
				size_t nlen;
				const char *pname = fl_proto_name((unsigned)proto, &nlen);
				char first_tag[4 * 40 + 8];
				strcpy(first_tag, fl_quote(lk->text + t->off, t->len));
				fl_linewarn(name, c.lineno,
				    "warning: duplicate key %u,%s: tag '%s' ignored, line %llu has '%s'",
				    (unsigned)port, pname, fl_quote(tg, tn),
				    (unsigned long long)t->line, first_tag);
			}
			continue;
		}
		if (lk->ntag == lk->captag) {
			lk->captag = lk->captag ? lk->captag * 2 : 1024;
			lk->tag = erealloc(lk->tag, lk->captag * sizeof(*lk->tag));
		}
		lk->tag[lk->ntag].off = addtext(lk, tg, tn);
		lk->tag[lk->ntag].len = tn;
		lk->tag[lk->ntag].line = c.lineno;
		*v = ++lk->ntag;
	}
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

const char *
fl_lookup_get(struct fl_lookup *lk, unsigned port, unsigned proto, size_t *len)
{
	unsigned char key[3];
	uint64_t *v;

	key[0] = (unsigned char)(port >> 8);
	key[1] = (unsigned char)port;
	key[2] = (unsigned char)proto;
	v = fl_map_get(&lk->map, (const char *)key, 3, 0);
	if (!v)
		return NULL;
	*len = lk->tag[*v - 1].len;
	return lk->text + lk->tag[*v - 1].off;
}

void
fl_lookup_free(struct fl_lookup *lk)
{
	fl_map_free(&lk->map);
	free(lk->tag);
	free(lk->text);
	memset(lk, 0, sizeof(*lk));
}
