/* fuzz_lookup -- the lookup table: fl_csv_next over a copy of the input
 * (checking that every field lies inside the buffer), then fl_lookup_load
 * on another copy (it unescapes in place), fl_lookup_get for a few keys,
 * fl_lookup_free. Messages go to /dev/null. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);

static FILE *quiet;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* the library's messages to /dev/null, but not fd 2: libFuzzer and
	 * the sanitizers report there (libFuzzer keeps its own FILE for it) */
	if (!getenv("FUZZ_VERBOSE") && (quiet = fopen("/dev/null", "w")) != NULL)
		stderr = quiet;
	return 0;
}

static void
csvwalk(char *buf, size_t n)
{
	struct fl_csv c;
	uint64_t line = 0;
	int i, recs = 0;

	fl_csv_init(&c, buf, n);
	while (fl_csv_next(&c)) {
		CHECK(c.lineno > line);
		line = c.lineno;
		CHECK(c.nextline >= c.lineno);
		CHECK(c.nf >= 1);
		for (i = 0; i < c.nf && i < FL_CSV_MAXF; i++)
			CHECK(c.f[i] >= buf && c.f[i] + c.fn[i] <= buf + n);
		CHECK(c.p >= buf && c.p <= buf + n);
		CHECK(++recs <= (int)n + 1);
	}
	CHECK(c.p == buf + n);
}

/* refget -- the row the SPEC's rule picks for (port, proto), by brute
 * force: the narrowest port range, then a named protocol before *, then the
 * earlier row; NULL if none covers it */
static const struct fl_row *
refget(const struct fl_lookup *lk, unsigned port, unsigned proto)
{
	const struct fl_row *best = NULL;
	size_t i;

	for (i = 0; i < lk->nrow; i++) {
		const struct fl_row *r = &lk->row[i];
		if (port < r->lo || port > r->hi || (r->proto != proto && r->proto != 256))
			continue;
		if (!best || r->hi - r->lo < best->hi - best->lo ||
		    (r->hi - r->lo == best->hi - best->lo && best->proto == 256 && r->proto != 256))
			best = r;
	}
	return best;
}

static void
probe(struct fl_lookup *lk, unsigned port, unsigned proto)
{
	size_t len = 0;
	const char *t = fl_lookup_get(lk, port, proto, &len);
	const struct fl_row *want = refget(lk, port, proto);

	if (!want) {
		CHECK(t == NULL);
		return;
	}
	CHECK(t == lk->text + want->off && len == want->len);
	CHECK(len > 0);
	CHECK(!memchr(t, '\t', len) && !memchr(t, '\r', len) && !memchr(t, '\n', len));
	CHECK(t >= lk->text && t + len <= lk->text + lk->ntext);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct fl_lookup lk;
	size_t i;

	memcpy(buf, data, size);
	csvwalk(buf, size);

	memcpy(buf, data, size);
	memset(&lk, 0, sizeof(lk));
	lk.lint = size > 0 && (data[size - 1] & 1);
	if (fl_lookup_load(&lk, buf, size, "fuzz.csv") == 0) {
		CHECK(lk.nrow + lk.bad + lk.dups == lk.rows);
		for (i = 0; i < lk.nrow; i++) {
			const struct fl_row *r = &lk.row[i];
			CHECK(r->len > 0 && r->off + r->len <= lk.ntext);
			CHECK(r->lo <= r->hi && r->proto <= 256);
			CHECK(i == 0 || r->line > lk.row[i - 1].line);
			if (i < 12) {
				/* the edges of each range, and just outside */
				unsigned p = r->proto == 256 ? 6 : r->proto;
				probe(&lk, r->lo, p);
				probe(&lk, r->hi, p);
				if (r->lo > 0)
					probe(&lk, r->lo - 1u, p);
				if (r->hi < 65535)
					probe(&lk, r->hi + 1u, p);
				probe(&lk, r->lo, (p + 1) & 255);
			}
		}
		probe(&lk, 80, 6);
		probe(&lk, 443, 6);
		probe(&lk, 25, 6);
		probe(&lk, 0, 0);
		probe(&lk, 65535, 255);
		probe(&lk, 53, 17);
		if (size >= 3)
			probe(&lk, (unsigned)data[0] << 8 | data[1], data[2]);
	}
	fl_lookup_free(&lk);
	free(buf);
	return 0;
}
