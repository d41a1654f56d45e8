/* flow-untagged -- the records of flow-tag output that no tag covers,
 * without their tag column */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"

#define MAXLINE (64 * 1024 * 1024)

static int csv;                 /* -C */
static const char *const longopts[][2] = { { "--csv", "-C" }, { NULL, NULL } };

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: flow-untagged [-C] [file ...]\n"
	    "  -C, --csv      write CSV: fields comma-separated, a field holding\n"
	    "                 , or \" quoted (RFC 4180)\n"
	    "  -h, --help     this help;  --version  the version\n");
	exit(status);
}

/* untagged -- a record whose last field is Untagged, without it */
static void
untagged(const char *name, uint64_t lineno, const char *s, size_t n)
{
	if (!memchr(s, '\t', n)) {
		fl_linewarn(name, lineno, "no TAB-separated tag column");
		return;
	}
	if (n >= 9 && memcmp(s + n - 9, "\tUntagged", 9) == 0) {
		if (csv)
			fl_csv_putfields(s, n - 9);
		else
			fl_put(s, n - 9);
		fl_putc('\n');
	}
}

int
main(int argc, char *argv[])
{
	int c;

	fl_start(argc, argv, usage, longopts);
	while ((c = getopt(argc, argv, "Ch")) != -1) {
		switch (c) {
		case 'C': csv = 1; break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind == argc)
		fl_each("-", MAXLINE, untagged, NULL);
	for (; optind < argc; optind++)
		fl_each(argv[optind], MAXLINE, untagged, NULL);
	fl_finish();
	return 0;
}
