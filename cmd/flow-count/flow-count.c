/* flow-count -- count identical lines, or sum the last column per key,
 * and print them by count descending, then key ascending */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"

#define MAXLINE (64 * 1024 * 1024)

static struct fl_map map;
static int summing;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout, "usage: flow-count [-s] [-n N] [file ...]\n");
	exit(status);
}

static void
add(const char *name, uint64_t lineno, const char *s, size_t n)
{
	uint64_t v = 1, *cnt;

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
	cnt = fl_map_get(&map, s, n, 1);
	if (*cnt > UINT64_MAX - v)
		fl_die(1, "%s:%llu: count overflows 64 bits", name, (unsigned long long)lineno);
	*cnt += v;
}

int
main(int argc, char *argv[])
{
	uint64_t limit = UINT64_MAX;
	int c;

	fl_setprog(argv[0]);
	signal(SIGPIPE, SIG_DFL);
	while ((c = getopt(argc, argv, "hsn:")) != -1) {
		switch (c) {
		case 'h': usage(0); break;
		case 's': summing = 1; break;
		case 'n':
			if (fl_udec(optarg, strlen(optarg), UINT64_MAX, &limit) < 0) {
				fl_warn("-n: '%s' is not a number", optarg);
				usage(2);
			}
			break;
		default: usage(2);
		}
	}
	fl_map_init(&map);
	if (optind == argc)
		fl_each("-", MAXLINE, add);
	for (; optind < argc; optind++)
		fl_each(argv[optind], MAXLINE, add);
	fl_map_print(&map, limit);
	fl_finish();
	return 0;
}
