/* csv.c -- RFC 4180 records: quoted fields with "" for a quote, commas and
 * line ends inside quotes, CRLF or LF, blank lines skipped, blanks around
 * fields trimmed, a leading UTF-8 BOM ignored. A record ends at LF or CRLF
 * only: a CR elsewhere, quoted or not, is data. */
#include <string.h>

#include "flow.h"

void
fl_csv_init(struct fl_csv *c, char *buf, size_t n)
{
	memset(c, 0, sizeof(*c));
	c->p = buf;
	c->end = buf + n;
	c->nextline = 1;
	if (n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
}

static int
isblank_(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* quoted -- a quoted field starting after its opening quote; unescape in
 * place and return its end */
static char *
quoted(struct fl_csv *c, char **pp)
{
	char *p = *pp, *w = p, *e = c->end;

	for (;;) {
		if (p == e) {
			if (!c->err)
				c->err = "unterminated quoted field";
			break;
		}
		if (*p == '"') {
			if (p + 1 < e && p[1] == '"') {
				*w++ = '"';
				p += 2;
				continue;
			}
			p++;
			break;
		}
		if (*p == '\n')
			c->nextline++;
		*w++ = *p++;
	}
	while (p < e && isblank_(*p))
		p++;
	if (p < e && *p != ',' && *p != '\n' && !(*p == '\r' && (p + 1 == e || p[1] == '\n'))) {
		if (!c->err)
			c->err = "text after closing quote";
		while (p < e && *p != ',' && *p != '\n')
			p++;
	}
	*pp = p;
	return w;
}

/* fl_csv_next -- the next record into c->f/c->fn: 1, or 0 at the end */
int
fl_csv_next(struct fl_csv *c)
{
	char *p = c->p, *e = c->end;

	for (;;) {
		char *q = p;
		while (q < e && isblank_(*q))
			q++;
		if (q < e && *q == '\r' && (q + 1 == e || q[1] == '\n'))
			q++;
		if (q == e) {
			c->p = e;
			return 0;
		}
		if (*q != '\n')
			break;
		p = q + 1;
		c->nextline++;
	}
	c->lineno = c->nextline;
	c->nf = 0;
	c->err = NULL;
	for (;;) {
		char *fs, *fe;
		while (p < e && isblank_(*p))
			p++;
		if (p < e && *p == '"') {
			fs = ++p;
			fe = quoted(c, &p);
		} else {
			fs = p;
			while (p < e && *p != ',' && *p != '\n')
				p++;
			fe = p;
			/* the CR of a CRLF (or of a last line); a lone CR is data */
			if (fe > fs && fe[-1] == '\r' && (p == e || *p == '\n'))
				fe--;
			while (fe > fs && isblank_(fe[-1]))
				fe--;
		}
		if (c->nf < FL_CSV_MAXF) {
			c->f[c->nf] = fs;
			c->fn[c->nf] = (size_t)(fe - fs);
		} else if (!c->err) {
			c->err = "too many fields";
		}
		if (c->nf <= FL_CSV_MAXF)    /* no int overflow on a line of 2^31 commas */
			c->nf++;
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		if (p < e && *p == '\r')
			p++;
		if (p < e && *p == '\n') {
			p++;
			c->nextline++;
		}
		break;
	}
	c->p = p;
	return 1;
}

/* fl_csv_putfield -- one field to standard output, quoted if it holds , or " */
void
fl_csv_putfield(const char *s, size_t n)
{
	const char *q;

	if (!memchr(s, ',', n) && !memchr(s, '"', n)) {
		fl_put(s, n);
		return;
	}
	fl_putc('"');
	while ((q = memchr(s, '"', n)) != NULL) {
		fl_put(s, (size_t)(q - s) + 1);
		fl_putc('"');
		n -= (size_t)(q - s) + 1;
		s = q + 1;
	}
	fl_put(s, n);
	fl_putc('"');
}

/* fl_csv_putfields -- the TAB-separated fields of s as CSV fields: commas
 * between them, each quoted if it holds , or " (no line end) */
void
fl_csv_putfields(const char *s, size_t n)
{
	const char *t;

	while ((t = memchr(s, '\t', n)) != NULL) {
		fl_csv_putfield(s, (size_t)(t - s));
		fl_putc(',');
		n -= (size_t)(t - s) + 1;
		s = t + 1;
	}
	fl_csv_putfield(s, n);
}
