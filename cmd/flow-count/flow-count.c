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

/* Once the table is larger than the caches, each new key costs a miss on
 * its slot. The lines are then taken in batches: hashed, their slots
 * hinted, then counted in order, so that the misses overlap. */
#define BATCH 16
#define BATCHKEY 256             /* longer keys are counted at once */
#define BATCHBITS 15             /* from this table size on */
static struct {
	uint64_t h, v, lineno;
	size_t n;
	char k[BATCHKEY];
} pend[BATCH];
static size_t npend;
static const char *pendname;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout, "usage: flow-count [-s] [-n N] [file ...]\n");
	exit(status);
}

static void
count(const char *name, uint64_t lineno, const char *k, size_t n, uint64_t h, uint64_t v)
{
	uint64_t *cnt = fl_map_geth(&map, k, n, h, 1);

	if (*cnt > UINT64_MAX - v)
		fl_die(1, "%s:%llu: count overflows 64 bits", name, (unsigned long long)lineno);
	*cnt += v;
}

static void
flush(void)
{
	size_t i;

	for (i = 0; i < npend; i++)
		count(pendname, pend[i].lineno, pend[i].k, pend[i].n, pend[i].h, pend[i].v);
	npend = 0;
}

static void
add(const char *name, uint64_t lineno, const char *s, size_t n)
{
	uint64_t v = 1, h;

	if (summing) {
		const char *tab = NULL, *p;
		for (p = s + n; p > s; p--)
			if (p[-1] == '\t') {
				tab = p - 1;
				break;
			}
		if (!tab) {
			flush();
			fl_linewarn(name, lineno, "no TAB-separated count");
			return;
		}
		if (fl_udec(tab + 1, (size_t)(s + n - tab - 1), UINT64_MAX, &v) < 0) {
			flush();
			fl_linewarn(name, lineno, "'%s' is not a count",
			    fl_quote(tab + 1, (size_t)(s + n - tab - 1)));
			return;
		}
		n = (size_t)(tab - s);
	}
	h = fl_map_hash(&map, s, n);
	if (map.bits < BATCHBITS || n > BATCHKEY) {
		flush();
		count(name, lineno, s, n, h, v);
		return;
	}
	fl_map_hint(&map, h);
	pend[npend].h = h;
	pend[npend].v = v;
	pend[npend].lineno = lineno;
	pend[npend].n = n;
	memcpy(pend[npend].k, s, n);
	pendname = name;
	if (++npend == BATCH)
		flush();
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
	/* the batch is counted before fl_each's messages and at each file's end */
	if (optind == argc)
		fl_each("-", MAXLINE, add, flush);
	for (; optind < argc; optind++)
		fl_each(argv[optind], MAXLINE, add, flush);
	fl_map_print(&map, limit);
	fl_finish();
	return 0;
}
