/* ftest -- drive lib/filter.c for the tests (tests/filter.bats), before
 * flow-parse takes -w.
 *
 *   ftest [-t] [-w EXPR]... [FILE]   the records of FILE that pass
 *   ftest -F [-w EXPR]...            the fields the filters use
 *   ftest -b REPEAT [-w EXPR]... FILE   fl_filter_test's time per record
 *
 * FILE (default standard input) is read as a flow log: header lines set
 * the format, fl_parse sorts the lines, and every flow or nodata record
 * that passes every -w is printed as it was read. -t adds a last line
 * "records R flows F nodata N malformed M filtered X" (flows and nodata
 * count the records that passed). -b tests the flow and nodata records
 * REPEAT times in memory and prints nanoseconds per record, with and
 * without the test (the copy of its fields into one fl_rec, as a parser
 * fills one per line).
 *
 * Exit status: 0; 1 for a bad header, a field missing from a format
 * ("ftest: FILE:LINE: field 'x' is not in the log format", at the first
 * record under it) or a read error; 2 for a bad expression (its message
 * from fl_filter_add) or misuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flow.h"
#include "filter.h"

static void
usage(void)
{
	fputs("usage: ftest [-t] [-F] [-b REPEAT] [-w EXPR]... [FILE]\n", stderr);
	exit(2);
}

/* split -- every field of a record (blank runs between them), its leading
 * timestamp dropped: the format has one field fewer than the line */
static void
split(const struct fl_fmt *fmt, const char *s, size_t n, struct fl_rec *r)
{
	size_t i = 0;

	r->nf = 0;
	for (;;) {
		size_t b;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		for (b = i; i < n && s[i] != ' ' && s[i] != '\t'; i++)
			;
		if (r->nf == FL_MAXF)
			break;
		r->f[r->nf] = s + b;
		r->fn[r->nf++] = i - b;
	}
	if (r->nf == fmt->nfields + 1) {
		memmove(r->f, r->f + 1, (size_t)fmt->nfields * sizeof(r->f[0]));
		memmove(r->fn, r->fn + 1, (size_t)fmt->nfields * sizeof(r->fn[0]));
		r->nf--;
	}
}

/* a record kept for -b: its fields (copied into one fl_rec before each
 * test, as a parser fills one per line) and the format's filters */
struct kept {
	const struct fl_fbound *b;
	char *line;
	int nf;
	const char **f;
	size_t *fn;
};

/* what main allocates, freed on every way out (the sanitizer build
 * checks for leaks) */
static struct fl_filter *flt;
static struct fl_fbound **bounds;
static size_t nb;
static struct kept *kept;
static size_t nkept;
static char *line;
static FILE *in;

static int
finish(int status)
{
	while (nb)
		fl_filter_unbind(bounds[--nb]);
	while (nkept) {
		nkept--;
		free(kept[nkept].line);
		free(kept[nkept].f);
		free(kept[nkept].fn);
	}
	free(kept);
	free(bounds);
	free(line);
	fl_filter_free(flt);
	if (in && in != stdin)
		fclose(in);
	if (fflush(stdout))
		status = 1;
	return status;
}

/* bench -- ns per kept record of copying its fields into one fl_rec and,
 * with test set, fl_filter_test */
static double
bench(long repeat, int test, uint64_t *pass)
{
	static struct fl_rec r;
	struct timespec t0, t1;
	volatile uint64_t sink = 0;
	size_t i;
	long k;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < repeat; k++)
		for (i = 0; i < nkept; i++) {
			r.nf = kept[i].nf;
			memcpy(r.f, kept[i].f, (size_t)r.nf * sizeof(r.f[0]));
			memcpy(r.fn, kept[i].fn, (size_t)r.nf * sizeof(r.fn[0]));
			sink += test ? (uint64_t)fl_filter_test(kept[i].b, &r) : (uint64_t)r.fn[0];
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (pass)
		*pass = sink;
	return ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
	    ((double)nkept * (double)repeat);
}

int
main(int argc, char **argv)
{
	struct fl_fmt fmt;
	struct fl_rec r;
	size_t capkept = 0, cap = 0;
	const char *name = "-", *why, *missing = NULL;
	ssize_t len;
	uint64_t lineno = 0, rec = 0, flows = 0, nodata = 0, bad = 0, filtered = 0;
	long repeat = 0;
	int c, totals = 0, fields = 0, bound = 0;

	fl_setprog(argv[0]);
	while ((c = getopt(argc, argv, "b:Ftw:")) != -1) {
		switch (c) {
		case 'b':
			repeat = atol(optarg);
			break;
		case 'F':
			fields = 1;
			break;
		case 't':
			totals = 1;
			break;
		case 'w':
			if (fl_filter_add(&flt, optarg, &why) < 0) {
				fprintf(stderr, "ftest: %s\n", why);
				return finish(2);
			}
			break;
		default:
			usage();
		}
	}
	if (argc - optind > 1 || repeat < 0) {
		finish(2);
		usage();
	}
	if (fields) {
		const char *const *names;
		int i, k = fl_filter_fields(flt, &names);
		for (i = 0; i < k; i++)
			puts(names[i]);
		return finish(0);
	}
	in = stdin;
	if (optind < argc && strcmp(argv[optind], "-") != 0) {
		name = argv[optind];
		if (!(in = fopen(name, "r"))) {
			perror(name);
			return finish(1);
		}
	}
	memset(&fmt, 0, sizeof(fmt));           /* no -f fields, no measure */
	fl_fmt_default(&fmt);
	while ((len = getline(&line, &cap, in)) >= 0) {
		size_t n = (size_t)len;
		int kind;
		lineno++;
		if (n && line[n - 1] == '\n')
			n--;
		if (n && line[n - 1] == '\r')
			n--;
		kind = fl_parse(&fmt, line, n, &r);
		if (kind == FL_SKIP)
			continue;
		if (kind == FL_HEADER) {
			if (fl_fmt_header(&fmt, line, n, &why) < 0) {
				fflush(stdout);
				fprintf(stderr, "ftest: %s:%llu: %s\n", name, (unsigned long long)lineno, why);
				return finish(1);
			}
			bound = 0;
			continue;
		}
		if (!bound) {
			bounds = erealloc(bounds, (nb + 1) * sizeof(*bounds));
			if (!(bounds[nb++] = fl_filter_bind(flt, &fmt, &missing))) {
				fflush(stdout);
				fprintf(stderr, "ftest: %s:%llu: field '%s' is not in the log format\n", name,
				    (unsigned long long)lineno, missing);
				return finish(1);
			}
			bound = 1;
		}
		rec++;
		if (kind == FL_MALFORMED) {
			bad++;
			continue;
		}
		split(&fmt, line, n, &r);
		if (repeat) {
			if (nkept == capkept)
				kept = erealloc(kept, (capkept = 2 * capkept + 1024) * sizeof(*kept));
			kept[nkept].line = emalloc(n + 1);
			memcpy(kept[nkept].line, line, n);
			split(&fmt, kept[nkept].line, n, &r);
			kept[nkept].nf = r.nf;
			kept[nkept].f = emalloc((size_t)r.nf * sizeof(r.f[0]));
			kept[nkept].fn = emalloc((size_t)r.nf * sizeof(r.fn[0]));
			memcpy(kept[nkept].f, r.f, (size_t)r.nf * sizeof(r.f[0]));
			memcpy(kept[nkept].fn, r.fn, (size_t)r.nf * sizeof(r.fn[0]));
			kept[nkept++].b = bounds[nb - 1];
			continue;
		}
		if (!fl_filter_test(bounds[nb - 1], &r)) {
			filtered++;
			continue;
		}
		if (kind == FL_FLOW)
			flows++;
		else
			nodata++;
		fwrite(line, 1, n, stdout);
		putchar('\n');
	}
	if (ferror(in)) {
		perror(name);
		return finish(1);
	}
	if (repeat && nkept) {
		uint64_t pass = 0;
		double with = bench(repeat, 1, &pass), without = bench(repeat, 0, NULL);
		printf("%.2f ns per record, %.2f without the test; %llu of %llu passed\n", with,
		    without, (unsigned long long)(pass / (uint64_t)repeat), (unsigned long long)nkept);
	}
	if (totals)
		printf("records %llu flows %llu nodata %llu malformed %llu filtered %llu\n",
		    (unsigned long long)rec, (unsigned long long)flows, (unsigned long long)nodata,
		    (unsigned long long)bad, (unsigned long long)filtered);
	return finish(0);
}
