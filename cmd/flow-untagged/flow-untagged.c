/* flow-untagged -- the records of flow-tag output that no tag covers,
 * without their tag column */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"

#define MAXLINE (64 * 1024 * 1024)

static void
usage(int status)
{
	fprintf(status ? stderr : stdout, "usage: flow-untagged [file ...]\n");
	exit(status);
}

static void
process(const char *name)
{
	struct fl_rd r;
	char *s;
	size_t n;
	int k;

	if (fl_rd_open(&r, name, MAXLINE) < 0)
		fl_die(1, "%s:", name);
	while ((k = fl_rd_line(&r, &s, &n)) > 0) {
		if (r.toolong) {
			fl_linewarn(name, r.lineno, "line longer than %d bytes", MAXLINE);
			continue;
		}
		if (!memchr(s, '\t', n)) {
			fl_linewarn(name, r.lineno, "no TAB-separated tag column");
			continue;
		}
		if (n >= 9 && memcmp(s + n - 9, "\tUntagged", 9) == 0) {
			fl_put(s, n - 9);
			fl_putc('\n');
		}
	}
	if (k < 0)
		fl_die(1, "%s: read error:", name);
	if (fl_rd_close(&r) < 0)
		fl_die(1, "%s: gzip: decompression failed", name);
}

int
main(int argc, char *argv[])
{
	int c;

	fl_setprog(argv[0]);
	signal(SIGPIPE, SIG_DFL);
	while ((c = getopt(argc, argv, "h")) != -1) {
		switch (c) {
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind == argc)
		process("-");
	for (; optind < argc; optind++)
		process(argv[optind]);
	fl_finish();
	return 0;
}
