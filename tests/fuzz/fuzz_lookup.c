/* fuzz_lookup -- the lookup table: fl_csv_next over a copy of the input
 * (checking that every field lies inside the buffer, and working out which
 * records are blank, header or data as the SPEC says), then fl_lookup_load
 * on another copy (it unescapes in place), fl_lookup_get for a few keys
 * against a brute-force reference, fl_lookup_free. Messages go to
 * /dev/null. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

/* what the SPEC makes of a table, worked out from its CSV records alone */
struct ref {
	int header;           /* 0 none, 1 with its columns, -1 lacking one */
	uint64_t rows;        /* data rows: records neither blank nor header */
};

/* named -- does field f of c name want (any case)? */
static int
named(const struct fl_csv *c, int f, const char *want)
{
	size_t i;

	if (c->fn[f] != strlen(want))
		return 0;
	for (i = 0; i < c->fn[f]; i++) {
		int ch = (unsigned char)c->f[f][i];
		if (ch >= 'A' && ch <= 'Z')
			ch += 'a' - 'A';
		if (ch != want[i])
			return 0;
	}
	return 1;
}

static int
hascol(const struct fl_csv *c, const char *want)
{
	int i;

	for (i = 0; i < c->nf && i < FL_CSV_MAXF; i++)
		if (named(c, i, want))
			return 1;
	return 0;
}

/* csvwalk -- fl_csv_next keeps its fields inside the buffer and its line
 * numbers rising; and the reference: a record of empty fields only (and
 * no CSV error) is blank; the first record that is not is a header unless
 * its first field, after blanks, starts with a digit or * */
static void
csvwalk(char *buf, size_t n, struct ref *ref)
{
	struct fl_csv c;
	uint64_t line = 0;
	int i, recs = 0, first = 1;

	memset(ref, 0, sizeof(*ref));
	fl_csv_init(&c, buf, n);
	while (fl_csv_next(&c)) {
		const char *f0;
		size_t k;
		CHECK(c.lineno > line);
		line = c.lineno;
		CHECK(c.nextline >= c.lineno);
		CHECK(c.nf >= 1);
		for (i = 0; i < c.nf && i < FL_CSV_MAXF; i++)
			CHECK(c.f[i] >= buf && c.f[i] + c.fn[i] <= buf + n);
		CHECK(c.p >= buf && c.p <= buf + n);
		CHECK(++recs <= (int)n + 1);
		for (i = 0; i < c.nf && i < FL_CSV_MAXF && c.fn[i] == 0; i++)
			;
		if (!c.err && i == c.nf)
			continue;
		f0 = c.f[0];
		for (k = 0; k < c.fn[0] && (f0[k] == ' ' || f0[k] == '\t'); k++)
			;
		if (first && !(k < c.fn[0] && ((f0[k] >= '0' && f0[k] <= '9') || f0[k] == '*'))) {
			ref->header = (hascol(&c, "dstport") || hascol(&c, "port")) &&
			    hascol(&c, "protocol") && hascol(&c, "tag") ? 1 : -1;
			first = 0;
			continue;
		}
		first = 0;
		ref->rows++;
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
	struct ref ref;
	size_t i;
	int rc;

	memcpy(buf, data, size);
	csvwalk(buf, size, &ref);

	memcpy(buf, data, size);
	memset(&lk, 0, sizeof(lk));
	lk.lint = size > 0 && (data[size - 1] & 1);
	rc = fl_lookup_load(&lk, buf, size, "fuzz.csv");
	CHECK(rc == (ref.header < 0 ? -1 : 0));
	if (rc == 0) {
		CHECK(lk.rows == ref.rows);
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
