/* each.c -- the read loop the TSV filters share */
#include <fcntl.h>
#include <string.h>

#include "flow.h"
#include "rd.h"

/* fl_each -- every line of the file name ("-" standard input) to fn; a
 * line longer than maxline is reported and skipped; a file that cannot be
 * opened or read, or a gzip stream that fails, ends the program (exit 1).
 * done, if not NULL, runs before each message of fl_each's own and at the
 * end of the file: a caller that holds lines back (flow-count's batches)
 * finishes them there, so messages stay in input order. */
void
fl_each(const char *name, size_t maxline, fl_linefn *fn, fl_donefn *done)
{
	int fd = 0;

	if (strcmp(name, "-") != 0 && (fd = open(name, O_RDONLY)) < 0)
		fl_die(1, "%s:", name);
	fl_each_fd(fd, name, maxline, fn, done);
}

/* fl_each_fd -- fl_each on fd, open on name (0: standard input); it is
 * closed at the end (but standard input) */
void
fl_each_fd(int fd, const char *name, size_t maxline, fl_linefn *fn, fl_donefn *done)
{
	struct fl_rd r;
	char *s;
	size_t n;
	int k;

	if (fl_rd_fdopen(&r, fd, name, maxline) < 0)
		fl_die(1, "%s:", name);
	while ((k = fl_rd_next(&r, &s, &n)) > 0) {
		if (r.toolong) {
			if (done)
				done();
			fl_linewarn(name, r.lineno, "line longer than %zu bytes", maxline);
		} else {
			fn(name, r.lineno, s, n);
		}
	}
	if (done)
		done();
	if (k < 0) {
		if (fl_rd_error(&r))
			fl_die(1, "%s: %s", name, fl_rd_error(&r));
		fl_die(1, "%s: read error:", name);
	}
	fl_rd_close(&r);
}
