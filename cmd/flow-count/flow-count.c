/* flow-count -- count identical lines, or sum the last column per key,
 * and print them by count descending, then key ascending */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"
#include "tally.h"

#define MAXLINE (64 * 1024 * 1024)

static struct fl_tally *tally;
static int summing;

/* -f: the fields that make the line, numbered from 1 */
#define MAXSEL 64
#define MAXFIELD 1024
static unsigned sel[MAXSEL];
static size_t nsel;
static unsigned maxsel;          /* the largest of them */
static char *selbuf;
static size_t selcap;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: flow-count [-Cs] [-f FIELDS] [-n N] [file ...]\n"
	    "  -C, --csv  write CSV: fields and count comma-separated, a field\n"
	    "             holding , or \" quoted (RFC 4180)\n"
	    "  -s         sum: the last field of each line is a count, added per\n"
	    "             rest of the line (merges counted tables)\n"
	    "  -f FIELDS  only these tab-separated fields, e.g. 4,3 (at most 64)\n"
	    "  -n N       only the first N rows of the sorted output\n"
	    "  -h, --help this help;  --version  the version\n");
	exit(status);
}

static void
parsesel(const char *arg)
{
	const char *p = arg, *e;
	uint64_t v;

	for (nsel = 0, maxsel = 0;; p = e + 1) {
		if (!(e = strchr(p, ',')))
			e = p + strlen(p);
		if (nsel == MAXSEL || fl_udec(p, (size_t)(e - p), MAXFIELD, &v) < 0 || v == 0) {
			fl_warn("-f: '%s' is not a list of at most %d field numbers 1..%d",
			    arg, MAXSEL, MAXFIELD);
			usage(2);
		}
		sel[nsel++] = (unsigned)v;
		if (v > maxsel)
			maxsel = (unsigned)v;
		if (!*e)
			break;
	}
}

/* pick -- the fields of -f, joined by tabs; 0 if the line has too few */
static int
pick(const char **s, size_t *n)
{
	static const char *f[MAXFIELD + 1];
	static size_t fn[MAXFIELD + 1];
	const char *p = *s, *e = *s + *n, *t;
	size_t i, need;
	unsigned k;
	char *o;

	for (k = 1; k <= maxsel; k++) {
		if (!p)
			return 0;
		t = memchr(p, '\t', (size_t)(e - p));
		f[k] = p;
		fn[k] = t ? (size_t)(t - p) : (size_t)(e - p);
		p = t ? t + 1 : NULL;
	}
	for (i = 0, need = nsel; i < nsel; i++)
		need += fn[sel[i]];
	if (need > selcap) {
		selcap = need * 2;
		selbuf = erealloc(selbuf, selcap);
	}
	for (i = 0, o = selbuf; i < nsel; i++) {
		if (i)
			*o++ = '\t';
		memcpy(o, f[sel[i]], fn[sel[i]]);
		o += fn[sel[i]];
	}
	*s = selbuf;
	*n = (size_t)(o - selbuf);
	return 1;
}

static void
add(const char *name, uint64_t lineno, const char *s, size_t n)
{
	uint64_t v = 1;

	if (nsel && !pick(&s, &n)) {
		size_t i, fields = 1;
		for (i = 0; i < n; i++)
			fields += s[i] == '\t';
		fl_linewarn(name, lineno, "%zu fields, -f needs %u", fields, maxsel);
		return;
	}
	if (summing) {
		const char *tab = NULL, *p;
		for (p = s + n; p > s; p--)
			if (p[-1] == '\t') {
				tab = p - 1;
				break;
			}
		if (!tab) {
				fl_linewarn(name, lineno, "no TAB-separated count");
			return;
		}
		if (fl_udec(tab + 1, (size_t)(s + n - tab - 1), UINT64_MAX, &v) < 0) {
				fl_linewarn(name, lineno, "'%s' is not a count",
			    fl_quote(tab + 1, (size_t)(s + n - tab - 1)));
			return;
		}
		n = (size_t)(tab - s);
	}
	if (fl_tally_line(tally, s, n, v) < 0)
		fl_die(1, "%s:%llu: count overflows 64 bits", name, (unsigned long long)lineno);
}

static const char *const longopts[][2] = { { "--csv", "-C" }, { NULL, NULL } };

int
main(int argc, char *argv[])
{
	uint64_t limit = UINT64_MAX;
	int c;

	fl_start(argc, argv, usage, longopts);
	while ((c = getopt(argc, argv, "Chsf:n:")) != -1) {
		switch (c) {
		case 'C': fl_rows_csv(1); break;
		case 'h': usage(0); break;
		case 's': summing = 1; break;
		case 'f': parsesel(optarg); break;
		case 'n':
			if (fl_udec(optarg, strlen(optarg), UINT64_MAX, &limit) < 0) {
				fl_warn("-n: '%s' is not a number", optarg);
				usage(2);
			}
			break;
		default: usage(2);
		}
	}
	tally = fl_tally_new();
	if (optind == argc)
		fl_each("-", MAXLINE, add, NULL);
	for (; optind < argc; optind++)
		fl_each(argv[optind], MAXLINE, add, NULL);
	fl_tally_print(tally, limit);
	fl_tally_free(tally);
	fl_finish();
	return 0;
}
