/* fuzz_count -- flow-count itself (its main is built in here) on the input,
 * in a child process each time: once on the input as it is, once after a
 * first line whose key is not a port and a protocol name, which sends every
 * row through the hash map and the generic sort instead of the tables per
 * protocol. With and without -s, neither run may crash, both must exit
 * alike, and their tables must agree but for that line's row.
 * flow-count keeps its state in statics and exits on fatal errors, hence
 * the child; libFuzzer sees no coverage from it, so this is a mutation test
 * of the seeds with an oracle (tens of inputs a second), not a guided one. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define main flow_count_main
int flow_count_main(int argc, char *argv[]);
#include "../../cmd/flow-count/flow-count.c"
#undef main

#define CHECK(c) do { if (!(c)) abort(); } while (0)

/* the first line of the second run: key "zz\001", value (with -s) 1 */
static const char mark[] = "zz\001\t1\n";

static char path[2][32];

static void
put(const char *p, const void *a, size_t an, const void *b, size_t bn)
{
	int fd = open(p, O_WRONLY | O_TRUNC);

	CHECK(fd >= 0);
	CHECK(write(fd, a, an) == (ssize_t)an);
	CHECK(bn == 0 || write(fd, b, bn) == (ssize_t)bn);
	close(fd);
}

/* childexit -- flow-count's exit(1) on a fatal error, in the child: out
 * before libFuzzer's own exit hook, which takes any exit for a finding */
static void
childexit(void)
{
	_exit(1);
}

/* has -- whether the n bytes at s hold the three of k */
static int
has(const uint8_t *s, size_t n, const char *k)
{
	size_t i;

	for (i = 0; i + 3 <= n; i++)
		if (memcmp(s + i, k, 3) == 0)
			return 1;
	return 0;
}

/* run -- flow-count [-s] FILE in a child: its output in *out, its status */
static int
run(int sum, const char *file, char **out, size_t *outn)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int p[2], st;
	ssize_t r;
	pid_t pid;

	CHECK(buf != NULL && pipe(p) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[4];
		int argc = 0, dn = open("/dev/null", O_WRONLY);
		if (dn < 0 || dup2(p[1], 1) < 0 || dup2(dn, 2) < 0)
			_exit(99);
		close(p[0]);
		close(p[1]);
		argv[argc++] = "flow-count";
		if (sum)
			argv[argc++] = "-s";
		argv[argc++] = (char *)file;
		argv[argc] = NULL;
		atexit(childexit);
		_exit(flow_count_main(argc, argv));
	}
	close(p[1]);
	/* libFuzzer's timer interrupts system calls: EINTR is no end */
	while ((r = read(p[0], buf + n, cap - n)) != 0) {
		if (r < 0) {
			CHECK(errno == EINTR);
			continue;
		}
		n += (size_t)r;
		if (n == cap) {
			buf = realloc(buf, cap *= 2);
			CHECK(buf != NULL);
		}
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) != pid)
		CHECK(errno == EINTR);
	CHECK(WIFEXITED(st));           /* not killed: no crash, no abort */
	CHECK(WEXITSTATUS(st) <= 2);    /* not a sanitizer's finding (77) */
	*out = buf;
	*outn = n;
	return WEXITSTATUS(st);
}

/* unmark -- b without its one row of the mark's key, in place: its length */
static size_t
unmark(char *b, size_t n, int sum)
{
	const char *row = sum ? "zz\001\t1\n" : "zz\001\t1\t1\n";
	size_t rn = strlen(row), i = 0;

	while (i < n) {
		char *nl = memchr(b + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (b + i)) + 1 : n - i;
		if (len == rn && memcmp(b + i, row, rn) == 0) {
			memmove(b + i, b + i + rn, n - i - rn);
			return n - rn;
		}
		i += len;
	}
	abort();                        /* the row must be there */
}

static void
cleanup(void)
{
	unlink(path[0]);
	unlink(path[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sum;

	if (path[0][0] == '\0') {
		int i;
		atexit(cleanup);
		for (i = 0; i < 2; i++) {
			int fd;
			strcpy(path[i], "/tmp/fuzz_count.XXXXXX");
			CHECK((fd = mkstemp(path[i])) >= 0);
			close(fd);
		}
	}
	put(path[0], data, size, NULL, 0);
	put(path[1], mark, sizeof(mark) - 1, data, size);
	for (sum = 0; sum < 2; sum++) {
		char *a, *b;
		size_t an, bn;
		int sa = run(sum, path[0], &a, &an), sb = run(sum, path[1], &b, &bn);
		/* the mark's key in the input would add to its row: no oracle */
		if (!has(data, size, "zz\001")) {
			CHECK(sa == sb);
			if (sa == 0) {
				bn = unmark(b, bn, sum);
				CHECK(an == bn && memcmp(a, b, an) == 0);
			}
		}
		free(a);
		free(b);
	}
	return 0;
}
