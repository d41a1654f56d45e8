/* flow-parse -- AWS VPC flow log records to dstport<TAB>protocol lines, or
 * counted (-c) by the engine's workers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "flow.h"
#include "tally.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: flow-parse [-cS] [-f FIELDS] [-j N] [-m FIELD] [-T FILE] [-w EXPR]...\n"
	    "                  [--files-from LIST [--null]] [file | dir ...]\n"
	    "  -c         count the flows per key (as flow-parse | flow-count)\n"
	    "  -f FIELDS  print these fields (AWS names, comma-separated)\n"
	    "  -j N       N workers (default 1; 0: one per online CPU)\n"
	    "  -m FIELD   with -c: sum FIELD (bytes, packets) instead of counting\n"
	    "  -S, --strict  the first malformed line is fatal (exit 1)\n"
	    "  -T FILE    write the totals (records, flows, ...) to FILE\n"
	    "  -w EXPR    only records where EXPR holds, e.g. action=REJECT, dstport=0-1023,\n"
	    "             'srcaddr!=10.0.0.0/8', 'start>=2024-05-01T02:00:00Z' (repeatable: all hold)\n"
	    "  -F, --files-from LIST  also read the files named in LIST, one a line (- stdin)\n"
	    "  -0, --null  the names in LIST end with NUL (find -print0)\n"
	    "  a directory stands for every regular file below it, sorted by name\n"
	    "  -h, --help     this help;  --version  the version\n");
	exit(status);
}

static void
parsefields(struct fl_opts *o, char *arg)
{
	char *p = arg, *e;

	for (;;) {
		if ((e = strchr(p, ',')) != NULL)
			*e = '\0';
		if (!fl_field_known(p, strlen(p))) {
			fl_warn("-f: unknown field '%s'", p);
			usage(2);
		}
		if (o->nsel == FL_MAXSEL)
			fl_die(2, "-f: more than %d fields", FL_MAXSEL);
		o->selname[o->nsel++] = p;
		if (!e)
			break;
		p = e + 1;
	}
}

static void
totals(const char *path, const struct fl_totals *t, int filtering)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fl_die(1, "%s:", path);
	fprintf(f, "records\t%llu\nflows\t%llu\nnodata\t%llu\nmalformed\t%llu\nbytes\t%llu\n"
	    "lines\t%llu\nheaders\t%llu\n",
	    (unsigned long long)t->records, (unsigned long long)t->flows,
	    (unsigned long long)t->nodata, (unsigned long long)t->malformed,
	    (unsigned long long)t->bytes, (unsigned long long)t->lines,
	    (unsigned long long)t->headers);
	if (filtering)
		fprintf(f, "filtered\t%llu\n", (unsigned long long)t->filtered);
	if (fclose(f) != 0)
		fl_die(1, "%s:", path);
}

int
main(int argc, char *argv[])
{
	static const char *const longs[][2] = { { "--strict", "-S" }, { "--files-from", "-F" },
		{ "--null", "-0" }, { NULL, NULL } };
	static struct fl_opts o;
	struct fl_filter *filter = NULL;
	struct fl_totals tot;
	const char *why;
	const char *totfile = NULL;
	uint64_t jobs;
	int c, counting = 0;

	fl_start(argc, argv, usage, longs);
	o.jobs = 1;
	while ((c = getopt(argc, argv, "0hcSf:F:j:m:T:w:")) != -1) {
		switch (c) {
		case 'h': usage(0); break;
		case 'c': counting = 1; break;
		case 'S': o.strict = 1; break;
		case 'f': parsefields(&o, optarg); break;
		case 'j':
			if (fl_udec(optarg, strlen(optarg), 1024, &jobs) < 0) {
				fl_warn("-j: '%s' is not a number 0..1024", optarg);
				usage(2);
			}
			if (jobs == 0) {
				long n = sysconf(_SC_NPROCESSORS_ONLN);
				jobs = n < 1 ? 1 : n > 1024 ? 1024 : (uint64_t)n;
			}
			o.jobs = (int)jobs;
			break;
		case 'm':
			if (!fl_field_known(optarg, strlen(optarg))) {
				fl_warn("-m: unknown field '%s'", optarg);
				usage(2);
			}
			o.measname = optarg;
			break;
		case 'T': totfile = optarg; break;
		case 'w':
			if (fl_filter_add(&filter, optarg, &why) < 0) {
				fl_warn("%s", why);
				usage(2);
			}
			break;
		case 'F': o.filesfrom = optarg; break;
		case '0': o.nul = 1; break;
		default: usage(2);
		}
	}
	if (o.measname && !counting) {
		fl_warn("-m needs -c");
		usage(2);
	}
	if (o.filesfrom && strcmp(o.filesfrom, "-") == 0)
		for (c = optind; c < argc; c++)
			if (strcmp(argv[c], "-") == 0) {
				fl_warn("--files-from - and the input - cannot both be standard input");
				usage(2);
			}
	if (counting)
		o.tally = fl_tally_new();
	o.filter = filter;
	fl_run(&o, argv + optind, &tot);
	if (counting)
		fl_tally_print(o.tally, UINT64_MAX);
	fl_finish();
	if (totfile)
		totals(totfile, &tot, filter != NULL);
	return 0;
}
