/* rd.c -- the fast reader: read(2) into a large buffer, memchr for the line
 * end, lines handed out as pointers into the buffer. The buffer grows only
 * for a long line, and never past maxline: a longer line is returned cut,
 * flagged toolong, and the rest of it is skipped. gzip input is piped
 * through gzip -dc. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flow.h"

#define RDCHUNK (128 * 1024)

static ssize_t
xread(int fd, char *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static int
writeall(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* feed -- for a gzip stream that cannot seek back: the bytes already read,
 * then the rest of the input, into gzip's pipe */
static void
feed(int in, int out, const char *head, size_t nhead)
{
	char buf[65536];
	ssize_t r;

	if (writeall(out, head, nhead) < 0)
		_exit(0);
	while ((r = xread(in, buf, sizeof(buf))) > 0)
		if (writeall(out, buf, (size_t)r) < 0)
			_exit(0);
	_exit(r < 0 ? 1 : 0);
}

static int
startgzip(struct fl_rd *r)
{
	int out[2], in[2] = { -1, -1 };
	int seekable = lseek(r->fd, 0, SEEK_SET) == 0;
	pid_t pid;

	if (pipe(out) < 0)
		return -1;
	if (!seekable && pipe(in) < 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(seekable ? r->fd : in[0], 0);
		dup2(out[1], 1);
		if (null >= 0)
			dup2(null, 2);
		close(out[0]);
		close(out[1]);
		if (!seekable) {
			close(in[0]);
			close(in[1]);
		}
		signal(SIGPIPE, SIG_DFL);
		execlp("gzip", "gzip", "-dc", (char *)NULL);
		_exit(127);
	}
	r->gzpid = pid;
	close(out[1]);
	if (!seekable) {
		close(in[0]);
		if ((pid = fork()) < 0)
			return -1;
		if (pid == 0) {
			close(out[0]);
			feed(r->fd, in[1], r->buf, r->end);
		}
		r->feedpid = pid;
		close(in[1]);
	}
	/* keep the compressed file open: its offset, shared with gzip, tells
	 * how far through it we are */
	if (seekable)
		r->srcfd = r->fd;
	else if (r->fd != 0)
		close(r->fd);
	r->fd = out[0];
	r->pos = r->end = 0;
	r->tabok = 0;
	r->nread = 0;
	return 0;
}

int
fl_rd_open(struct fl_rd *r, const char *name, size_t maxline)
{
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->srcfd = -1;
	r->name = name;
	r->maxline = maxline;
	r->gzpid = r->feedpid = -1;
	if (strcmp(name, "-") == 0)
		r->fd = 0;
	else if ((r->fd = open(name, O_RDONLY)) < 0)
		return -1;
	r->cap = RDCHUNK < maxline ? RDCHUNK : maxline + 1;
	if (r->cap < 4096)
		r->cap = 4096;
	r->buf = emalloc(r->cap);
	/* read until two bytes are in, to see the gzip magic */
	while (r->end < 2) {
		n = xread(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0) {
			int e = errno;
			fl_rd_close(r);
			errno = e;
			return -1;
		}
		if (n == 0) {
			r->eof = 1;
			break;
		}
		r->end += (size_t)n;
	}
	r->nread = r->end;
	if (r->end >= 2 && (unsigned char)r->buf[0] == 0x1f &&
	    (unsigned char)r->buf[1] == 0x8b) {
		if (startgzip(r) < 0) {
			int e = errno;
			fl_rd_close(r);
			errno = e;
			return -1;
		}
	}
	return 0;
}

int
fl_rd_isgzip(const struct fl_rd *r)
{
	return r->gzpid > 0;
}

/* fl_rd_srcpos -- how far through the file: for gzip, through the
 * compressed bytes */
uint64_t
fl_rd_srcpos(const struct fl_rd *r)
{
	off_t o;

	if (r->srcfd >= 0 && (o = lseek(r->srcfd, 0, SEEK_CUR)) >= 0)
		return (uint64_t)o;
	return r->off;
}

/* fill -- more bytes after the unfinished line; 0 at end of input */
static int
fill(struct fl_rd *r)
{
	ssize_t n;

	r->tabok = 0;
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->end == r->cap) {
		size_t cap = r->cap * 2;
		if (cap > r->maxline + RDCHUNK)
			cap = r->maxline + RDCHUNK;
		r->buf = erealloc(r->buf, cap);
		r->cap = cap;
	}
	n = xread(r->fd, r->buf + r->end, r->cap - r->end);
	if (n < 0)
		return -1;
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	r->nread += (uint64_t)n;
	return 1;
}

/* fl_rd_line -- the next line without its '\n' (and a trailing '\r'):
 * 1 a line, 0 end of input, -1 a read error (errno set) */
int
fl_rd_line(struct fl_rd *r, char **line, size_t *len)
{
	char *s, *nl;
	size_t scanned = 0, n;

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
			if (fill(r) < 0)
				return -1;
			continue;
		}
		if (nl) {
			n = (size_t)(nl - s);
			r->pos += n + 1;
			r->toolong = n > r->maxline;
			if (r->toolong)
				n = r->maxline;
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
		scanned = n;   /* fill() moves the line to the front: no need to scan it again */
		if (fill(r) < 0)
			return -1;
	}
	r->lineno++;
	if (n && s[n - 1] == '\r' && !r->toolong)
		n--;
	*line = s;
	*len = n;
	return 1;
}

/* fl_rd_skipto -- pass over the lines that start before offset until,
 * counting them, and stop at those that could be a header (first byte v, V,
 * $ or a blank): 1 such a line, 0 at until or the end, -1 a read error.
 * The lines between are never handed out: this is the lean loop that lets
 * flow-parse -r start mid-file with whole-file line numbers. */
int
fl_rd_skipto(struct fl_rd *r, uint64_t until, char **line, size_t *len)
{
	for (;;) {
		char *s = r->buf + r->pos, *e = r->buf + r->end, *nl;

		if (r->skipping) {
			nl = memchr(s, '\n', (size_t)(e - s));
			r->off += nl ? (size_t)(nl - s) + 1 : (size_t)(e - s);
			r->pos = nl ? (size_t)(nl + 1 - r->buf) : r->end;
			if (nl)
				r->skipping = 0;
			else if (r->eof)
				return 0;
			else if (fill(r) < 0)
				return -1;
			continue;
		}
		while (r->off < until && (nl = memchr(s, '\n', (size_t)(e - s))) != NULL) {
			size_t n = (size_t)(nl - s);
			int c = (unsigned char)s[0];
			r->lineoff = r->off;
			r->off += n + 1;
			r->pos += n + 1;
			r->lineno++;
			if ((c == 'v' || c == 'V' || c == '$' || c == ' ' || c == '\t') &&
			    n <= r->maxline) {
				if (n && s[n - 1] == '\r')
					n--;
				r->toolong = 0;
				*line = s;
				*len = n;
				return 1;
			}
			s = nl + 1;
		}
		if (r->off >= until)
			return 0;
		if ((size_t)(e - s) > r->maxline) {
			/* a line too long to be a header: count it, drop the rest */
			r->lineoff = r->off;
			r->off += (size_t)(e - s);
			r->pos = r->end;
			r->lineno++;
			r->skipping = 1;
			continue;
		}
		if (r->eof)
			return 0;       /* a last line without newline: fl_rd_line's */
		if (fill(r) < 0)
			return -1;
	}
}

/* fl_rd_seek -- continue reading a plain file at offset off, as if the
 * bytes before it had been read (lines are counted from there) */
int
fl_rd_seek(struct fl_rd *r, uint64_t off)
{
	if (lseek(r->fd, (off_t)off, SEEK_SET) < 0)
		return -1;
	r->pos = r->end = 0;
	r->eof = r->skipping = r->toolong = r->tabok = 0;
	r->off = r->lineoff = off;
	return 0;
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

/* fl_rd_close -- 0, or -1 when gzip failed (truncated or corrupt input) */
int
fl_rd_close(struct fl_rd *r)
{
	int st, ret = 0;

	if (r->fd > 0)
		close(r->fd);
	if (r->srcfd > 0)
		close(r->srcfd);
	r->fd = r->srcfd = -1;
	if (r->feedpid > 0)
		waitpid((pid_t)r->feedpid, &st, 0);
	if (r->gzpid > 0) {
		if (waitpid((pid_t)r->gzpid, &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			ret = -1;
	}
	free(r->buf);
	r->buf = NULL;
	return ret;
}
