/* pqtest -- drive lib/parquet.c for the tests (tests/parquet.bats).
 *
 *   pqtest [-c COLUMNS] [-r ROOM] [-o ORDER] FILE
 *
 * prints fl_pq_header's line, then the text of every row group, read
 * through an output buffer of ROOM bytes (default 65536; a small one
 * makes fl_pq_text stop and resume often). COLUMNS: the wanted names,
 * separated by blanks (default: the 14 fields of the version 2 format).
 * ORDER: f (default) the row groups first to last; r last to first; i
 * interleaved: every group open at once, a buffer of each in turn (the
 * output is still each group's text whole, in file order); t two threads
 * at once, each reading every other group from the one open file. -n
 * prints the
 * row groups' row counts instead of the text.
 *
 *   pqtest -x [-c COLUMNS] FILE
 *
 * damages FILE every way, in memory: every truncation, and every byte
 * changed three ways (its low bit, its high bit flipped, set to 0xff).
 * Each damaged file must open and read to the end or fail with a message
 * starting "Parquet: ", and every line it gives must be a row: as many
 * fields as the header names, one space between them, none empty. Prints
 * a summary; exit 1 on any violation (a crash is the sanitizers' to see).
 *
 *   pqtest -b [-c COLUMNS] [-r ROOM] FILE
 *
 * reads every row group to its end, the text thrown away, and prints the
 * rows, the bytes of text and the processor time: fl_pq_text's speed.
 *
 * Exit status: 0, 1 when the file is bad (the message on stderr as
 * "pqtest: FILE: MESSAGE"), 2 for misuse. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flow.h"
#include "parquet.h"

static void
usage(FILE *f, int status)
{
	fputs("usage: pqtest [-n] [-c COLUMNS] [-r ROOM] [-o f|r|i|t] FILE\n"
	    "       pqtest -x [-c COLUMNS] FILE\n"
	    "       pqtest -b [-c COLUMNS] [-r ROOM] FILE\n", f);
	exit(status);
}

struct mem {
	const unsigned char *p;
	size_t n;
};

static int
memread(void *ctx, void *buf, size_t n, uint64_t off)
{
	const struct mem *m = ctx;

	if (off > m->n || n > m->n - off) {
		errno = 0;
		return -1;
	}
	memcpy(buf, m->p + off, n);
	return 0;
}

/* lineok -- whether out[0, n) is whole lines of nf fields each, one space
 * between them, none empty */
static int
lineok(const char *s, size_t n, int nf)
{
	size_t i;
	int f = 1, len = 0;

	if (n && s[n - 1] != '\n')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\n') {
			if (len == 0)
				return 0;
			if (s[i] == '\n') {
				if (f != nf)
					return 0;
				f = 0;
			}
			f++;
			len = 0;
		} else if (s[i] == '\t' || s[i] == '\r') {
			return 0;
		} else {
			len++;
		}
	}
	return 1;
}

/* readall -- p[0, n) as a Parquet file: 0 read to the end, 1 failed with
 * a "Parquet: " message, 2 a violation */
static int
readall(const unsigned char *p, size_t n, const char *const *want, char *buf, size_t room)
{
	struct mem m = { p, n };
	struct fl_pq *pq;
	struct fl_pqg *pg;
	const char *why, *h;
	int g, r = 0, nf;
	size_t pos;

	if ((pq = fl_pq_openrd(memread, &m, n, want, &why)) == NULL)
		return strncmp(why, "Parquet: ", 9) == 0 ? 1 : 2;
	h = fl_pq_header(pq);
	for (nf = *h != '\0'; *h; h++)
		nf += *h == ' ';
	for (g = 0; g < fl_pq_groups(pq) && r == 0; g++) {
		if ((pg = fl_pq_group(pq, g, &why)) == NULL) {
			r = 2;
			break;
		}
		do {
			pos = 0;
			r = fl_pq_text(pg, buf, &pos, room, &why);
			if (!lineok(buf, pos, nf))
				r = -2;
		} while (r > 0);
		if (r == -1)
			r = strncmp(why, "Parquet: ", 9) == 0 ? 1 : 2;
		else if (r == -2)
			r = 2;
		fl_pq_groupclose(pg);
	}
	fl_pq_close(pq);
	return r;
}

static unsigned char *
slurp(const char *path, size_t *n)
{
	unsigned char *p = NULL;
	size_t cap = 0, len = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		fl_die(2, "%s: %s", path, strerror(errno));
	for (;;) {
		if (cap - len < 65536)
			p = erealloc(p, cap = 2 * cap + 65536);
		if ((r = read(fd, p + len, cap - len)) < 0)
			fl_die(2, "%s: %s", path, strerror(errno));
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	*n = len;
	return p;
}

static int
bench(struct fl_pq *p, const char *name, size_t room)
{
	struct timespec t0, t1;
	struct fl_pqg *pg;
	char *buf = emalloc(room);
	uint64_t rows = 0, bytes = 0;
	size_t pos;
	const char *why;
	double s;
	int g, r;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	for (g = 0; g < fl_pq_groups(p); g++) {
		if ((pg = fl_pq_group(p, g, &why)) == NULL)
			fl_die(1, "%s: %s", name, why);
		do {
			pos = 0;
			if ((r = fl_pq_text(pg, buf, &pos, room, &why)) < 0)
				fl_die(1, "%s: %s", name, why);
			bytes += pos;
		} while (r > 0);
		fl_pq_groupclose(pg);
		rows += fl_pq_rows(p, g);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%llu rows, %llu bytes of text in %.3f s of processor time: %.1f M rows/s, "
	    "%.0f MB/s\n", (unsigned long long)rows, (unsigned long long)bytes, s,
	    (double)rows / s / 1e6, (double)bytes / s / 1e6);
	free(buf);
	return 0;
}

static int
damage(const char *path, const char *const *want)
{
	static const unsigned char how[3] = { 0x01, 0x80, 0 };
	size_t n, i, room = 4096, runs = 0, fail = 0, bad = 0;
	unsigned char *p = slurp(path, &n), old;
	char *buf = emalloc(room);
	int k, r;

	if (readall(p, n, want, buf, room) != 0)
		fl_die(1, "%s: the undamaged file must read", path);
	for (i = 0; i < n; i++) {
		runs++;
		if ((r = readall(p, i, want, buf, room)) == 2) {
			printf("violation: truncated to %zu bytes\n", i);
			bad++;
		}
		fail += r == 1;
	}
	for (i = 0; i < n; i++) {
		old = p[i];
		for (k = 0; k < 3; k++) {
			p[i] = how[k] ? old ^ how[k] : 0xff;
			if (p[i] == old)
				continue;
			runs++;
			if ((r = readall(p, n, want, buf, room)) == 2) {
				printf("violation: byte %zu set to %#x\n", i, p[i]);
				bad++;
			}
			fail += r == 1;
		}
		p[i] = old;
	}
	printf("%s: %zu damaged files, %zu failed with a message, %zu violations\n", path, runs,
	    fail, bad);
	free(p);
	free(buf);
	return bad ? 1 : 0;
}

/* words -- the blank-separated words of s, NULL-terminated (s is cut) */
static const char **
words(char *s)
{
	const char **w = emalloc((strlen(s) / 2 + 2) * sizeof *w);
	size_t n = 0;
	char *t;

	for (t = strtok(s, " \t\n"); t; t = strtok(NULL, " \t\n"))
		w[n++] = t;
	w[n] = NULL;
	return w;
}

/* grouptext -- the whole text of group g into a growing buffer, through
 * room bytes at a time; 0, or -1 with *why */
static int
grouptext(struct fl_pqg *pg, char *buf, size_t room, char **text, size_t *n, size_t *cap,
    const char **why)
{
	size_t pos = 0;
	int r;

	r = fl_pq_text(pg, buf, &pos, room, why);
	if (r >= 0 && pos && buf[pos - 1] != '\n') {
		*why = "pqtest: a call ended inside a line";
		return -1;
	}
	if (*cap - *n < pos + 1) {
		*cap = 2 * *cap + pos + 1;
		*text = erealloc(*text, *cap);
	}
	memcpy(*text + *n, buf, pos);
	*n += pos;
	return r;
}

/* the threads of -o t: each reads the groups g with g % 2 == k */
struct worker {
	const struct fl_pq *p;
	int k, ng;
	size_t room;
	struct fl_pqg **pg;
	char **text;
	size_t *tn, *tcap;
	const char **why;       /* of each group: NULL, or its error */
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	char *buf = emalloc(w->room);
	int g, c;

	for (g = w->k; g < w->ng; g += 2) {
		if ((w->pg[g] = fl_pq_group(w->p, g, &w->why[g])) == NULL)
			break;
		while ((c = grouptext(w->pg[g], buf, w->room, &w->text[g], &w->tn[g], &w->tcap[g],
		    &w->why[g])) > 0)
			;
		if (c == 0)
			w->why[g] = NULL;
	}
	free(buf);
	return NULL;
}

int
main(int argc, char **argv)
{
	char defcols[] = "version account-id interface-id srcaddr dstaddr srcport dstport "
	    "protocol packets bytes start end action log-status";
	char *cols = defcols, *buf, **text;
	size_t room = 65536, *tn, *tcap;
	const char **want, *why;
	struct fl_pq *p;
	struct fl_pqg **pg;
	struct stat st;
	uint64_t v;
	int c, fd, ng, g, order = 'f', counts = 0, left, *done, x = 0, b = 0;

	fl_setprog(argv[0]);
	while ((c = getopt(argc, argv, "bc:hno:r:x")) != -1) {
		switch (c) {
		case 'b':
			b = 1;
			break;
		case 'x':
			x = 1;
			break;
		case 'c':
			cols = optarg;
			break;
		case 'n':
			counts = 1;
			break;
		case 'o':
			if (strlen(optarg) != 1 || !strchr("frit", optarg[0]))
				usage(stderr, 2);
			order = optarg[0];
			break;
		case 'r':
			if (fl_udec(optarg, strlen(optarg), SIZE_MAX / 4, &v) < 0 || v < 1)
				fl_die(2, "bad room: %s", optarg);
			room = (size_t)v;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (argc - optind != 1)
		usage(stderr, 2);
	want = words(cols);
	if (x) {
		c = damage(argv[optind], want);
		free(want);
		return c;
	}
	if ((fd = open(argv[optind], O_RDONLY)) < 0 || fstat(fd, &st) < 0)
		fl_die(2, "%s: %s", argv[optind], strerror(errno));
	if ((p = fl_pq_open(fd, (uint64_t)st.st_size, want, &why)) == NULL)
		fl_die(1, "%s: %s", argv[optind], why);
	if (b) {
		bench(p, argv[optind], room);
		fl_pq_close(p);
		free(want);
		return fflush(stdout) == 0 ? 0 : 2;
	}
	ng = fl_pq_groups(p);
	printf("%s\n", fl_pq_header(p));
	if (counts) {
		for (g = 0; g < ng; g++)
			printf("%d %llu\n", g, (unsigned long long)fl_pq_rows(p, g));
		fl_pq_close(p);
		free(want);
		return fflush(stdout) == 0 ? 0 : 2;
	}
	buf = emalloc(room);
	pg = ecalloc((size_t)ng + 1, sizeof *pg);
	text = ecalloc((size_t)ng + 1, sizeof *text);
	tn = ecalloc((size_t)ng + 1, sizeof *tn);
	tcap = ecalloc((size_t)ng + 1, sizeof *tcap);
	done = ecalloc((size_t)ng + 1, sizeof *done);
	if (order == 't') {
		struct worker w[2];
		pthread_t th[2];
		const char **gwhy = ecalloc((size_t)ng + 1, sizeof *gwhy);

		for (c = 0; c < 2; c++) {
			w[c].p = p;
			w[c].k = c;
			w[c].ng = ng;
			w[c].room = room;
			w[c].pg = pg;
			w[c].text = text;
			w[c].tn = tn;
			w[c].tcap = tcap;
			w[c].why = gwhy;
			if (pthread_create(&th[c], NULL, work, &w[c]) != 0)
				fl_die(2, "pthread_create failed");
		}
		for (c = 0; c < 2; c++)
			pthread_join(th[c], NULL);
		for (g = 0; g < ng; g++)
			if (gwhy[g])
				fl_die(1, "%s: %s", argv[optind], gwhy[g]);
		free(gwhy);
	} else if (order == 'i') {
		for (g = 0; g < ng; g++)
			if ((pg[g] = fl_pq_group(p, g, &why)) == NULL)
				fl_die(1, "%s: %s", argv[optind], why);
		for (left = ng; left > 0;) {
			for (g = 0; g < ng; g++) {
				if (done[g])
					continue;
				c = grouptext(pg[g], buf, room, &text[g], &tn[g], &tcap[g], &why);
				if (c < 0)
					fl_die(1, "%s: %s", argv[optind], why);
				if (c == 0) {
					done[g] = 1;
					left--;
				}
			}
		}
	} else {
		for (left = 0; left < ng; left++) {
			g = order == 'r' ? ng - 1 - left : left;
			if ((pg[g] = fl_pq_group(p, g, &why)) == NULL)
				fl_die(1, "%s: %s", argv[optind], why);
			while ((c = grouptext(pg[g], buf, room, &text[g], &tn[g], &tcap[g], &why)) > 0)
				;
			if (c < 0) {
				/* the lines before the error, then the message */
				fwrite(text[g], 1, tn[g], stdout);
				fflush(stdout);
				fl_die(1, "%s: %s", argv[optind], why);
			}
		}
	}
	for (g = 0; g < ng; g++) {
		fwrite(text[g], 1, tn[g], stdout);
		free(text[g]);
		fl_pq_groupclose(pg[g]);
	}
	free(pg);
	free(text);
	free(tn);
	free(tcap);
	free(done);
	free(buf);
	free(want);
	fl_pq_close(p);
	close(fd);
	return fflush(stdout) == 0 ? 0 : 2;
}
