/* rd.c -- the fast reader: read(2) (or pread for a range) into a large
 * buffer, memchr for the line end, lines handed out as pointers into the
 * buffer. The buffer grows only for a long line, and never past maxline: a
 * longer line is returned cut, flagged toolong, and the rest of it is
 * skipped. gzip input is decoded here (inflate.c) straight into the same
 * buffer, which then keeps the last 32 KiB of output before its end for the
 * decoder to look back at. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"
#include "inflate.h"
#include "parquet.h"
#include "rd.h"

#define RDCHUNK (128 * 1024)
#define GZCHUNK (256 * 1024)     /* output decoded at a time: still in cache when parsed */

static ssize_t
xread(int fd, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t
xpread(int fd, void *p, size_t n, uint64_t off)
{
	ssize_t r;

	do
		r = pread(fd, p, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r;
}

/* gzsource -- the decoder's input: the file, read whole */
static long
gzsource(void *ctx, unsigned char *buf, size_t n)
{
	return (long)xread(*(int *)ctx, buf, n);
}

static void
setup(struct fl_rd *r, int fd, const char *name, size_t maxline)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
	r->maxline = maxline;
	r->lim = UINT64_MAX;
	r->srcoff = UINT64_MAX;
}

static size_t
plaincap(size_t maxline)
{
	size_t cap = RDCHUNK < maxline ? RDCHUNK : maxline + 1;

	return cap < 4096 ? 4096 : cap;
}

/* fl_rd_fdopen -- the first bytes tell gzip from plain text; a Parquet
 * file, which cannot be read front to back, is an error here (a named
 * regular file goes to fl_rd_pq instead) */
int
fl_rd_fdopen(struct fl_rd *r, int fd, const char *name, size_t maxline)
{
	unsigned char head[4];
	size_t n = 0;
	ssize_t k;

	while (n < (size_t)(2 + 2 * (n >= 2 && head[0] == 'P' && head[1] == 'A')) &&
	    (k = xread(fd, head + n, (n < 2 ? 2 : 4) - n)) != 0) {
		if (k < 0)
			return -1;
		n += (size_t)k;
	}
	setup(r, fd, name, maxline);
	r->ownfd = fd != 0;
	if (n == 4 && memcmp(head, "PAR1", 4) == 0) {
		r->err = "Parquet: cannot be read from a pipe or standard input (name the file)";
		r->cap = 4096;
		r->buf = emalloc(r->cap);
		r->eof = 1;
		return 0;
	}
	if (n == 2 && head[0] == 0x1f && head[1] == 0x8b) {
		r->gz = fl_gz_open(gzsource, &r->fd, head, n);
		r->cap = GZCHUNK + FL_GZ_WINDOW;
		r->buf = emalloc(r->cap);
		return 0;
	}
	r->cap = plaincap(maxline);
	r->buf = emalloc(r->cap);
	memcpy(r->buf, head, n);
	r->end = n;
	r->eof = n < 2;
	/* a first buffer's worth, as every later read takes */
	if (!r->eof && (k = xread(fd, r->buf + r->end, r->cap - r->end)) >= 0) {
		r->end += (size_t)k;
		r->eof = k == 0;
	}
	return 0;
}

int
fl_rd_open(struct fl_rd *r, const char *name, size_t maxline)
{
	int fd = 0;

	if (strcmp(name, "-") != 0 && (fd = open(name, O_RDONLY)) < 0)
		return -1;
	if (fl_rd_fdopen(r, fd, name, maxline) < 0) {
		int e = errno;
		if (fd != 0)
			close(fd);
		errno = e;
		return -1;
	}
	return 0;
}

int
fl_rd_pq(struct fl_rd *r, struct fl_pqg *g, const char *name, size_t maxline)
{
	setup(r, -1, name, maxline);
	r->pq = g;
	r->cap = plaincap(maxline) + FL_PQ_ROOM;
	r->buf = emalloc(r->cap);
	return 0;
}

int
fl_rd_range(struct fl_rd *r, int fd, const char *name, size_t maxline, uint64_t start,
    uint64_t end)
{
	setup(r, fd, name, maxline);
	r->cap = plaincap(maxline);
	r->buf = emalloc(r->cap);
	r->lim = end;
	/* from the byte before the range: the line in progress there is a
	 * piece of the range before, unless that byte ends a line */
	if (start > 0) {
		r->srcoff = r->off = start - 1;
		r->skipping = 1;
	} else {
		r->srcoff = 0;
	}
	return 0;
}

int
fl_rd_isgzip(const struct fl_rd *r)
{
	return r->gz != NULL;
}

const char *
fl_rd_error(const struct fl_rd *r)
{
	return r->err;
}

/* compact -- the unfinished line to the front of the buffer */
static void
compact(struct fl_rd *r)
{
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->pos = 0;
	}
}

/* decoded -- what a decoder's call (k: 1 more, 0 the end, -1 an error,
 * why, NULL for a read error) means for the reader */
static int
decoded(struct fl_rd *r, int k, const char *prefix, const char *why)
{
	if (k < 0) {
		if (why) {
			snprintf(r->errbuf, sizeof(r->errbuf), "%s%s", prefix, why);
			r->err = r->errbuf;
		}
		return -1;
	}
	if (k == 0)
		r->eof = 1;
	return k;
}

/* gzfill -- more decoded bytes after the unfinished line, keeping the
 * decoder's window before the end */
static int
gzfill(struct fl_rd *r)
{
	size_t from = r->end > FL_GZ_WINDOW ? r->end - FL_GZ_WINDOW : 0;
	int k;

	if (r->pos < from)
		from = r->pos;
	if (from > 0) {
		memmove(r->buf, r->buf + from, r->end - from);
		r->end -= from;
		r->pos -= from;
	}
	if (r->cap - r->end < GZCHUNK / 2) {
		size_t cap = r->end + GZCHUNK;
		if (cap > r->maxline + FL_GZ_WINDOW + GZCHUNK + 1)
			cap = r->maxline + FL_GZ_WINDOW + GZCHUNK + 1;
		if (cap > r->cap) {
			r->buf = erealloc(r->buf, cap);
			r->cap = cap;
		}
	}
	k = fl_gz_read(r->gz, (unsigned char *)r->buf, &r->end, r->cap);
	return decoded(r, k, "gzip: ", k < 0 ? fl_gz_error(r->gz) : NULL);
}

/* pqfill -- more rows of a Parquet row group, as whole lines */
static int
pqfill(struct fl_rd *r)
{
	const char *why = NULL;
	int k;

	compact(r);
	k = fl_pq_text(r->pq, r->buf, &r->end, r->cap, &why);
	return decoded(r, k, "", why);
}

/* fill -- more bytes after the unfinished line; 0 at end of input */
static int
fill(struct fl_rd *r)
{
	ssize_t n;

	r->tabok = 0;
	if (r->err)
		return -1;
	if (r->gz)
		return gzfill(r);
	if (r->pq)
		return pqfill(r);
	compact(r);
	if (r->end == r->cap) {
		size_t cap = r->cap * 2;
		if (cap > r->maxline + RDCHUNK)
			cap = r->maxline + RDCHUNK;
		r->buf = erealloc(r->buf, cap);
		r->cap = cap;
	}
	if (r->srcoff != UINT64_MAX) {
		n = xpread(r->fd, r->buf + r->end, r->cap - r->end, r->srcoff);
		if (n > 0)
			r->srcoff += (uint64_t)n;
	} else {
		n = xread(r->fd, r->buf + r->end, r->cap - r->end);
	}
	if (n < 0)
		return -1;
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	return 1;
}

/* fl_rd_line -- the next line without its '\n' (and a trailing '\r'):
 * 1 a line, 0 end of input (or of the range), -1 a read error (errno set)
 * or bad data (fl_rd_error) */
int
fl_rd_line(struct fl_rd *r, char **line, size_t *len)
{
	char *s, *nl;
	size_t scanned = 0, n;
	int k;

	if (r->err)
		return -1;
	for (;;) {
		s = r->buf + r->pos;
		n = r->end - r->pos;
		nl = scanned < n ? memchr(s + scanned, '\n', n - scanned) : NULL;
		if (r->skipping) {
			/* the rest of a cut line: drop it */
			r->off += nl ? (size_t)(nl - s) + 1 : n;
			if (nl) {
				r->pos += (size_t)(nl - s) + 1;
				r->skipping = 0;
			} else {
				r->pos = r->end;
			}
			scanned = 0;
			if (nl)
				continue;
			if (r->eof)
				return 0;
			if ((k = fill(r)) < 0)
				return -1;
			continue;
		}
		if (r->off >= r->lim)
			return 0;
		if (nl) {
			n = (size_t)(nl - s);
			r->pos += n + 1;
			r->toolong = n > r->maxline;
			if (r->toolong) {
				r->cutp = s + r->maxline;
				r->cutn = n - r->maxline;
				n = r->maxline;
			}
			r->lineoff = r->off;
			r->off += (size_t)(nl - s) + 1;
			break;
		}
		if (n > r->maxline) {
			/* no end in sight: hand out the start, skip the rest */
			r->toolong = 1;
			r->lineoff = r->off;
			r->off += n;
			r->pos = r->end;
			r->skipping = 1;
			r->cutp = s + r->maxline;
			r->cutn = n - r->maxline;
			n = r->maxline;
			break;
		}
		if (r->eof) {
			if (n == 0)
				return 0;
			r->pos = r->end;
			r->toolong = 0;
			r->lineoff = r->off;
			r->off += n;
			break;
		}
		scanned = n;   /* fill() keeps the line whole: no need to scan it again */
		if ((k = fill(r)) < 0)
			return -1;
	}
	r->lineno++;
	if (n && s[n - 1] == '\r' && !r->toolong)
		n--;
	*line = s;
	*len = n;
	return 1;
}

/* blanks -- pass over p[0, n) of a line while it is blank: *cr when the
 * last byte was a CR (blank only if the line ends there); 0 at a non-blank */
static int
blanks(const char *p, size_t n, int *cr)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (*cr)
			return 0;
		if (p[i] == '\r')
			*cr = 1;
		else if (p[i] != ' ' && p[i] != '\t')
			return 0;
	}
	return 1;
}

int
fl_rd_restblank(struct fl_rd *r)
{
	int cr = 0, blank = blanks(r->cutp, r->cutn, &cr);

	while (r->skipping) {
		char *s = r->buf + r->pos, *nl = memchr(s, '\n', r->end - r->pos);
		size_t n = nl ? (size_t)(nl - s) : r->end - r->pos;
		if (blank)
			blank = blanks(s, n, &cr);
		r->pos += n + (nl != NULL);
		r->off += n + (nl != NULL);
		if (nl || r->eof)
			r->skipping = 0;
		else if (fill(r) < 0)
			return 0;   /* a read error is met again by the next read */
	}
	return blank;
}

/* fl_rd_tabscan -- fl_rd_tabfree past the known stretch: one memchr runs to
 * the next tab in the buffer and is kept, so a file without tabs costs one
 * pass per buffer, not one per line */
int
fl_rd_tabscan(struct fl_rd *r, const char *line, size_t len)
{
	size_t a = (size_t)(line - r->buf);
	const char *t = memchr(line, '\t', r->end - a);

	r->tabfrom = a;
	r->tabat = t ? (size_t)(t - r->buf) : r->end;
	r->tabok = 1;
	return a + len <= r->tabat;
}

int
fl_rd_close(struct fl_rd *r)
{
	if (r->ownfd && r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	if (r->gz)
		fl_gz_close(r->gz);
	r->gz = NULL;
	if (r->pq)
		fl_pq_groupclose(r->pq);
	r->pq = NULL;
	free(r->buf);
	r->buf = NULL;
	return 0;
}
