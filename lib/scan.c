/* scan.c -- one unit of flow-parse's work: its lines read, each one a
 * header, a comment, a flow, a NODATA record or a malformed one; flows
 * counted into a tally or printed, problems reported through the unit */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "filter.h"
#include "parquet.h"
#include "rd.h"
#include "split.h"
#include "tally.h"
#include "unit.h"

/* the line of a flow for -f or for printing, into scratch, without newline */
static size_t
outline(const struct fl_fmt *fmt, const struct fl_rec *r, char *scratch)
{
	char *p = scratch;
	const char *s;
	size_t n;
	int i;

	if (fmt->nsel == 0) {
		p = fl_utoa(p, r->port);
		*p++ = '\t';
		s = fl_proto_name(r->proto, &n);
		memcpy(p, s, n);
		return (size_t)(p + n - scratch);
	}
	for (i = 0; i < fmt->nsel; i++) {
		int f = fmt->sel[i];
		if (i)
			*p++ = '\t';
		if (fmt->selkind[i] == 1) {
			p = fl_utoa(p, r->port);
		} else if (fmt->selkind[i] == 2) {
			s = fl_proto_name(r->proto, &n);
			memcpy(p, s, n);
			p += n;
		} else {
			memcpy(p, r->f[f], r->fn[f]);
			p += r->fn[f];
		}
	}
	return (size_t)(p - scratch);
}

/* checkname -- a protocol number without a keyword is named once per unit
 * here, and once per run when the unit's messages go out */
static void
checkname(struct fl_unit *u, unsigned proto, uint64_t line)
{
	if (u->seen[proto / 8] >> (proto % 8) & 1)
		return;
	u->seen[proto / 8] |= (unsigned char)(1u << (proto % 8));
	if (!fl_proto_has_keyword(proto))
		fl_uproto(u, proto, line);
}

static void
bad(struct fl_unit *u, uint64_t line, const struct fl_fmt *fmt, const struct fl_rec *r)
{
	char q[FL_QUOTEMAX];
	const char *v = r->err == FL_ELONG || r->err == FL_ECOUNT ? "" :
	    fl_quote_r(q, r->f[r->errfield], r->fn[r->errfield]);

	u->tot.malformed++;
	switch (r->err) {
	case FL_ECOUNT:
		fl_umsg(u, FL_MLINE, line, "malformed: %d fields, expected %d", r->nf, fmt->nfields);
		break;
	case FL_EPORT:
		fl_umsg(u, FL_MLINE, line, "malformed: dstport '%s' is not a number 0..65535", v);
		break;
	case FL_EPROTO:
		fl_umsg(u, FL_MLINE, line, "malformed: protocol '%s' is not a number 0..255", v);
		break;
	case FL_EMEASURE:
		fl_umsg(u, FL_MLINE, line, "malformed: %s '%s' is not a number", fmt->measname, v);
		break;
	default:
		fl_umsg(u, FL_MLINE, line, "malformed: line longer than %d bytes", FL_MAXLINE);
		break;
	}
	if (fl_eopts->strict)
		u->fatal = 1;
}

/* CSVHINT -- comma-separated records at a file's start that make it look
 * like a CSV file (said once; each line is still reported) */
#define CSVHINT 3

/* csvlike -- a record that is a comma-separated line, or -1 when not */
static void
csvlike(struct fl_unit *u, const struct fl_rec *r, const char *s, size_t n, int t)
{
	if (!u->first || u->csv < 0)
		return;
	if (t == FL_MALFORMED && r->err == FL_ECOUNT && memchr(s, ',', n) != NULL) {
		u->csv++;
	} else {
		u->csv = -1;
	}
}

/* the -w filters as the fast path takes them: the bound filters and the
 * fields they read (nidx -1: too many, the fast path is not taken) */
struct quickw {
	const struct fl_fbound *fb;
	int idx[16];
	int nidx;
};

/* fastcount -- -c without -f or -m: the plain flow lines ahead in the
 * reader's buffer counted straight from it, a batch at a time, until a
 * line needs the full parser (which then takes it as usual); with -w
 * filters (qw->fb), only the lines that pass, the others counted filtered */
static void
fastcount(struct fl_rd *r, const struct fl_fmt *fmt, struct fl_unit *u, struct fl_tally *t,
    uint64_t *first, const struct quickw *qw)
{
	uint32_t keys[512];
	uint16_t at[512];
	size_t k, i, used, lim, lines;

	while (!r->skipping && r->pos < r->end && r->off < r->lim) {
		if (!(r->tabok && r->tabfrom <= r->pos && r->pos <= r->tabat))
			fl_rd_tabscan(r, r->buf + r->pos, 0);
		lim = r->lim - r->off < r->end - r->pos ? (size_t)(r->lim - r->off) : r->end - r->pos;
		if (qw->fb)
			k = fl_quick_filter(fmt, qw->fb, qw->idx, qw->nidx, r->buf + r->pos,
			    r->tabat - r->pos, lim, keys, at, 512, &used, &lines);
		else
			k = lines = fl_quick_lines(fmt, r->buf + r->pos, r->tabat - r->pos, lim,
			    keys, 512, &used);
		if (lines == 0)
			return;
		if (*first == UINT64_MAX)
			*first = r->off;
		u->csv = -1;            /* flows: not a CSV file */
		for (i = 0; i < k; i++)
			if (!(u->seen[keys[i] >> 19] >> (keys[i] >> 16 & 7) & 1))
				checkname(u, keys[i] >> 16, r->lineno + (qw->fb ? at[i] : i) + 1);
		fl_tally_keys(t, keys, k);
		r->lineno += lines;
		r->pos += used;
		r->off += used;
		r->lineoff = r->off;
		u->tot.records += lines;
		u->tot.flows += k;
		u->tot.filtered += lines - k;
	}
}

/* notrecord -- a line cut at the reader's limit that is a comment or blank
 * all the same: the rest of a blank one is read to be sure */
static int
notrecord(struct fl_rd *r, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n)
		return s[i] == '#';
	return fl_rd_restblank(r);
}

/* flow -- one flow counted, summed or printed; -1 when the run must stop */
static int
flow(struct fl_unit *u, struct fl_worker *w, struct fl_tally *t, const struct fl_fmt *fmt,
    const struct fl_rec *rec, uint64_t line)
{
	uint64_t val = 1;
	size_t n;

	if (fmt->measure >= 0 &&
	    fl_udec(rec->f[fmt->measure], rec->fn[fmt->measure], UINT64_MAX, &val) < 0) {
		w->rec.err = FL_EMEASURE;
		w->rec.errfield = fmt->measure;
		u->tot.records++;
		bad(u, line, fmt, &w->rec);
		return 0;
	}
	u->tot.records++;
	u->tot.flows++;
	checkname(u, rec->proto, line);
	if (t && fmt->nsel == 0) {
		if (fl_tally_add(t, rec->port, rec->proto, val) < 0)
			goto overflow;
		return 0;
	}
	n = outline(fmt, rec, w->scratch);
	if (t) {
		if (fl_tally_line(t, w->scratch, n, val) < 0)
			goto overflow;
		return 0;
	}
	w->scratch[n] = '\n';
	fl_uput(u, w->scratch, n + 1);
	return 0;
overflow:
	fl_umsg(u, FL_MLINE, line, "sum overflows 64 bits");
	u->fatal = 1;
	return -1;
}

static void
readerror(struct fl_unit *u, struct fl_rd *r)
{
	const char *why = fl_rd_error(r);

	if (why)
		fl_umsg(u, FL_MFILE, 0, "%s", why);
	else
		fl_umsg(u, FL_MFILE, 0, "read error: %s", strerror(errno));
	u->fatal = 1;
}

/* passes -- whether a record passes the -w filters: they may look at any
 * field, and the parser splits only those the record's kind needs, so the
 * line is split whole here (after a timestamp, as the parser does) */
static int
passes(const struct fl_fbound *fb, const char *s, size_t n, struct fl_rec *r)
{
	size_t d = fl_stamp(s, n);

	fl_splitbytes(s + d, n - d, r);
	return fl_filter_test(fb, r);
}

/* setformat -- the fields of -f, -m and -w found in a (new) format, and
 * the filters bound to it (the fast path splits the fields they read, the
 * full parser the whole line) */
static void
setformat(struct fl_fmt *fmt, struct fl_fbound **fb, struct quickw *qw, const char **missing)
{
	const char *m = NULL;

	*missing = NULL;
	fl_fmt_select(fmt, missing);
	qw->fb = NULL;
	qw->nidx = 0;
	if (!fl_eopts->filter)
		return;
	if (*fb)
		fl_filter_unbind(*fb);
	if ((*fb = fl_filter_bind(fl_eopts->filter, fmt, &m)) == NULL && !*missing)
		*missing = m;
	qw->fb = *fb;
	qw->nidx = *fb ? fl_filter_idx(*fb, qw->idx, 16) : -1;
}

int
fl_scan(struct fl_unit *u, struct fl_worker *w, const struct fl_fmt *start)
{
	struct fl_fbound *fb = NULL;
	struct quickw qw;
	struct fl_fmt fmt = *start;
	struct fl_rec *rec = &w->rec;
	struct fl_rd r;
	struct fl_tally *t = fl_eopts->tally;
	const char *missing = NULL, *why;
	uint64_t first = UINT64_MAX;
	char *s;
	size_t n;
	int k, c, kind;

	/* a range but the first of a plain file is counted apart: the format
	 * it is read under is a guess until the ranges before it are done */
	if (t && u->ranged && !u->first && u->pqg < 0)
		t = u->tally = fl_utally();
	else if (t)
		t = w->tally;
	if (u->pqg >= 0) {
		struct fl_pqg *g;
		if (u->pqg >= fl_pq_groups(u->src->pq))
			return 0;       /* a file of no row group */
		if ((g = fl_pq_group(u->src->pq, u->pqg, &why)) == NULL) {
			fl_umsg(u, FL_MFILE, 0, "%s", why);
			u->fatal = 1;
			return 0;
		}
		fl_rd_pq(&r, g, u->src->name, FL_MAXLINE);
	} else if (u->ranged)
		fl_rd_range(&r, u->src->fd, u->src->name, FL_MAXLINE, u->start, u->end);
	else if (fl_rd_fdopen(&r, u->src->fd, u->src->name, FL_MAXLINE) < 0) {
		fl_umsg(u, FL_MFILE, 0, "read error: %s", strerror(errno));
		u->fatal = 1;
		return 0;
	} else
		u->src->fd = -1;        /* the reader's now */
	setformat(&fmt, &fb, &qw, &missing);
	c = t && fmt.quick && fmt.nsel == 0 && fmt.measure < 0 && qw.nidx >= 0;
	for (;;) {
		if (c)
			fastcount(&r, &fmt, u, t, &first, &qw);
		if ((k = fl_rd_next(&r, &s, &n)) <= 0)
			break;
		if (first == UINT64_MAX)
			first = r.lineoff;
		if (r.toolong) {
			if (notrecord(&r, s, n))
				continue;
			u->tot.records++;
			rec->err = FL_ELONG;
			bad(u, r.lineno, &fmt, rec);
			goto checked;
		}
		kind = fl_rd_tabfree(&r, s, n) ?
		    fl_parse_notab(&fmt, s, n, (size_t)(r.buf + r.end - s), rec) :
		    fl_parse(&fmt, s, n, rec);
		if (kind != FL_SKIP && kind != FL_HEADER)
			csvlike(u, rec, s, n, kind);
		switch (kind) {
		case FL_SKIP:
			continue;
		case FL_HEADER:
			u->tot.headers += !(u->first && r.lineno == 1);
			if (fl_fmt_header(&fmt, s, n, &why) < 0) {
				fl_umsg(u, FL_MLINE, r.lineno, "%s", why);
				u->fatal = 1;
				goto out;
			}
			setformat(&fmt, &fb, &qw, &missing);
			c = t && fmt.quick && fmt.nsel == 0 && fmt.measure < 0 && qw.nidx >= 0;
			continue;
		case FL_FLOW:
			if (missing)
				break;
			if (fb && !passes(fb, s, n, rec)) {
				u->tot.records++;
				u->tot.filtered++;
				continue;
			}
			flow(u, w, t, &fmt, rec, r.lineno);
			goto checked;
		case FL_NODATA:
			if (missing)
				break;
			u->tot.records++;
			if (fb && !passes(fb, s, n, rec))
				u->tot.filtered++;
			else
				u->tot.nodata++;
			continue;
		default:
			if (missing)
				break;
			u->tot.records++;
			bad(u, r.lineno, &fmt, rec);
			goto checked;
		}
		fl_umsg(u, FL_MLINE, r.lineno, "field '%s' is not in the log format", missing);
		u->fatal = 1;
		goto out;
checked:
		if (u->csv == CSVHINT) {
			/* after the line's own message */
			fl_umsg(u, FL_MFILE, 0, "looks comma-separated, fields are split on blanks");
			u->csv = -1;
		}
		if (u->fatal || u->restart)
			goto out;
	}
	if (k < 0)
		readerror(u, &r);
	else if (u->csv > 0 && u->csv < CSVHINT)
		fl_umsg(u, FL_MFILE, 0, "looks comma-separated, fields are split on blanks");
out:
	u->lines = u->tot.lines = r.lineno;
	if (first != UINT64_MAX && r.off > first)
		u->tot.bytes = r.off - first;
	if (u->ranged) {
		if (!u->endfmt)
			u->endfmt = emalloc(sizeof(*u->endfmt));
		*u->endfmt = fmt;
	}
	fl_rd_close(&r);
	if (fb)
		fl_filter_unbind(fb);
	return u->restart ? -1 : 0;
}
