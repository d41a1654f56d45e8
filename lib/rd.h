/* rd.h -- the line reader, inside lib/ only: its state is the reader's own,
 * and callers outside rd.c read it only through the functions below */
#ifndef FL_RD_H
#define FL_RD_H

#include <stdint.h>
#include <string.h>

struct fl_gz;
struct fl_pqg;

struct fl_rd {
	int fd;
	int ownfd;               /* fd is ours to close */
	const char *name;
	char *buf;
	size_t cap, pos, end, maxline;
	int eof, skipping;
	int toolong;             /* the line just returned was cut */
	uint64_t lineno;         /* number of the line just returned */
	uint64_t off;            /* offset of the next line (in the data, after gzip) */
	uint64_t lineoff;        /* offset of the line just returned */
	uint64_t lim;            /* no line that starts at or past lim is returned */
	uint64_t srcoff;         /* pread offset of a range; UINT64_MAX: read() */
	struct fl_gz *gz;        /* a gzip file, decoded here */
	struct fl_pqg *pq;       /* a Parquet row group, as text lines */
	const char *err;         /* after -1: what is wrong with the data, or NULL */
	char errbuf[160];
	const char *cutp;        /* the part of a cut line still in the buffer */
	size_t cutn;
	size_t tabfrom, tabat;   /* no tab in buf[tabfrom, tabat): fl_rd_tabfree */
	int tabok;               /* tabfrom and tabat hold for this buffer */
};

/* fl_rd_open -- a reader over a named file ("-" standard input): 0, or -1
 * (errno set). fl_rd_fdopen: over an open descriptor at its start, which
 * the reader closes (but standard input). */
int fl_rd_open(struct fl_rd *r, const char *name, size_t maxline);
int fl_rd_fdopen(struct fl_rd *r, int fd, const char *name, size_t maxline);
/* fl_rd_range -- only the lines that start in [start, end) of a plain
 * regular file, numbered from 1 at the first of them; fd is read with
 * pread, so that several readers can share it. 0, or -1 (errno set). */
int fl_rd_range(struct fl_rd *r, int fd, const char *name, size_t maxline, uint64_t start,
    uint64_t end);
/* fl_rd_pq -- the rows of a Parquet row group as text lines (parquet.h);
 * the reader closes g */
int fl_rd_pq(struct fl_rd *r, struct fl_pqg *g, const char *name, size_t maxline);
int fl_rd_line(struct fl_rd *r, char **line, size_t *len);
int fl_rd_close(struct fl_rd *r);
int fl_rd_tabscan(struct fl_rd *r, const char *line, size_t len);
int fl_rd_isgzip(const struct fl_rd *r);
/* fl_rd_restblank -- after a cut line: read the rest of it now; whether it
 * holds only blanks (a CR only last) */
int fl_rd_restblank(struct fl_rd *r);
/* fl_rd_error -- after -1: a message for the data ("gzip: ..."), or NULL
 * for a read error (errno) */
const char *fl_rd_error(const struct fl_rd *r);

/* fl_rd_next -- fl_rd_line, with its common case inline: a whole line in
 * the buffer */
static inline int
fl_rd_next(struct fl_rd *r, char **line, size_t *len)
{
	char *s = r->buf + r->pos, *nl;
	size_t n;

	if (r->skipping || r->pos == r->end || r->off >= r->lim ||
	    (nl = (char *)memchr(s, '\n', r->end - r->pos)) == NULL ||
	    (size_t)(nl - s) > r->maxline)
		return fl_rd_line(r, line, len);
	n = (size_t)(nl - s);
	r->pos += n + 1;
	r->toolong = 0;
	r->lineoff = r->off;
	r->off += n + 1;
	r->lineno++;
	if (n && s[n - 1] == '\r')
		n--;
	*line = s;
	*len = n;
	return 1;
}

/* fl_rd_tabfree -- whether the line just returned (line, len) holds no tab */
static inline int
fl_rd_tabfree(struct fl_rd *r, const char *line, size_t len)
{
	size_t a = (size_t)(line - r->buf);

	if (r->tabok && r->tabfrom <= a && a <= r->tabat)
		return a + len <= r->tabat;
	return fl_rd_tabscan(r, line, len);
}

#endif
