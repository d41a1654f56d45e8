/* each.c -- the read loop the TSV filters share */
#include "flow.h"
#include "rd.h"

/* lines -- the loop of fl_each and fl_each_fd */
static void
lines(struct fl_rd *r, const char *name, size_t maxline, fl_linefn *fn, fl_donefn *done)
{
	char *s;
	size_t n;
	int k;

	while ((k = fl_rd_next(r, &s, &n)) > 0) {
		if (r->toolong) {
			if (done)
				done();
			fl_linewarn(name, r->lineno, "line longer than %zu bytes", maxline);
		} else {
			fn(name, r->lineno, s, n);
		}
	}
	if (done)
		done();
	if (k < 0) {
		if (fl_rd_error(r))
			fl_die(1, "%s: %s", name, fl_rd_error(r));
		fl_die(1, "%s: read error:", name);
	}
	fl_rd_close(r);
}

/* fl_each -- every line of the file name ("-" standard input) to fn; a
 * line longer than maxline is reported and skipped; a file that cannot be
 * opened or read, or a gzip stream that fails, ends the program (exit 1).
 * done, if not NULL, runs before each message of fl_each's own and at the
 * end of the file: a caller that holds lines back (flow-count's batches)
 * finishes them there, so messages stay in input order. */
void
fl_each(const char *name, size_t maxline, fl_linefn *fn, fl_donefn *done)
{
	struct fl_rd r;

	if (fl_rd_open(&r, name, maxline) < 0)
		fl_die(1, "%s:", name);
	lines(&r, name, maxline, fn, done);
}

/* fl_each_fd -- fl_each on fd, already open on name (0: standard input);
 * closed at the end (but standard input) */
void
fl_each_fd(int fd, const char *name, size_t maxline, fl_linefn *fn, fl_donefn *done)
{
	struct fl_rd r;

	if (fl_rd_fdopen(&r, fd, name, maxline) < 0)
		fl_die(1, "%s:", name);
	lines(&r, name, maxline, fn, done);
}
