/* gztest -- drive lib/inflate.c for the tests (tests/gzip.bats).
 *
 *   gztest [-r ROOM] [-s READ] FILE      decode FILE to stdout
 *   gztest -m [-r CAP] FILE              the same by fl_gunzip, in memory
 *   gztest -x [-r ROOM] [-s READ] FILE   damage FILE every way, in process
 *   gztest -c                            fl_crc32's paths against a reference
 *   gztest -b [-n REPEAT] FILE           decoding speed, output MB/s
 *
 * The streaming modes decode as the reader does: into a buffer of the
 * 32 KiB window plus ROOM bytes (default 1 MiB), and when it is full the
 * last 32 KiB go to its front; the source gives at most READ bytes a call
 * (default 65536). -m decodes into exactly CAP bytes (default: the
 * expected size, from a first streaming pass).
 *
 * -x takes a valid single-member FILE: every truncation must fail, and
 * every one-bit flip (each bit of each byte) must fail or give the same
 * output; by both fl_gz_read and fl_gunzip. It prints a summary and exits
 * 1 on any violation.
 *
 * Exit status: 0, 1 when the data is bad (the message on stderr as
 * "gztest: FILE: gzip: MESSAGE"), 2 for misuse. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flow.h"
#include "inflate.h"

const char *__asan_default_options(void);

/* under AddressSanitizer (make asan): a smaller quarantine, as -x frees a
 * decoder's few hundred KB some thousands of times and would otherwise
 * touch fresh memory each time */
const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=32";
}

struct src {
	int fd;                 /* or -1: mem[0, n) */
	const unsigned char *mem;
	size_t n, at, most;
};

static long
readsrc(void *ctx, unsigned char *buf, size_t n)
{
	struct src *s = ctx;
	ssize_t r;

	if (n > s->most)
		n = s->most;
	if (s->fd >= 0) {
		do
			r = read(s->fd, buf, n);
		while (r < 0 && errno == EINTR);
		return (long)r;
	}
	if (n > s->n - s->at)
		n = s->n - s->at;
	memcpy(buf, s->mem + s->at, n);
	s->at += n;
	return (long)n;
}

static void
usage(FILE *f, int status)
{
	fputs("usage: gztest [-r ROOM] [-s READ] FILE\n"
	    "       gztest -m [-r CAP] FILE\n"
	    "       gztest -x [-r ROOM] [-s READ] FILE\n"
	    "       gztest -c\n"
	    "       gztest -b [-n REPEAT] FILE\n", f);
	exit(status);
}

static size_t
number(const char *s, size_t min)
{
	uint64_t v;

	if (fl_udec(s, strlen(s), SIZE_MAX / 4, &v) < 0 || v < min)
		fl_die(2, "bad number: %s (at least %zu)", s, min);
	return (size_t)v;
}

/* slurp -- a whole file into memory */
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
		if ((r = read(fd, p + len, cap - len)) < 0) {
			if (errno == EINTR)
				continue;
			fl_die(2, "%s: %s", path, strerror(errno));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	*n = len;
	return p;
}

/* sink -- where decoded output goes: a file descriptor, or a growing
 * buffer (or, with neither, nowhere) */
struct sink {
	int fd;
	unsigned char *p;
	size_t n, cap;
};

static void
emit(struct sink *k, const unsigned char *p, size_t n)
{
	ssize_t w;

	if (k->fd >= 0) {
		while (n) {
			if ((w = write(k->fd, p, n)) < 0) {
				if (errno == EINTR)
					continue;
				fl_die(2, "write: %s", strerror(errno));
			}
			p += w;
			n -= (size_t)w;
		}
	} else if (k->cap) {
		if (k->cap - k->n < n)
			k->p = erealloc(k->p, k->cap = 2 * k->cap + n);
		memcpy(k->p + k->n, p, n);
		k->n += n;
	}
}

/* stream -- FILE (or src) through fl_gz_read as the reader does; 0, or
 * -1 with the message in *why */
static int
stream(struct src *s, size_t room, struct sink *k, const char **why, uint64_t *total)
{
	size_t cap = FL_GZ_WINDOW + room, pos = 0, keep;
	unsigned char *buf = emalloc(cap);
	struct fl_gz *z = fl_gz_open(readsrc, s, NULL, 0);
	size_t done = 0;
	int r;

	*total = 0;
	for (;;) {
		if (cap - pos < room && pos > FL_GZ_WINDOW) {
			keep = FL_GZ_WINDOW;
			memmove(buf, buf + pos - keep, keep);
			done -= pos - keep;
			pos = keep;
		}
		r = fl_gz_read(z, buf, &pos, cap);
		emit(k, buf + done, pos - done);
		*total += pos - done;
		done = pos;
		if (r < 0) {
			/* kept past fl_gz_close */
			static char msg[128];

			snprintf(msg, sizeof msg, "%s",
			    fl_gz_error(z) ? fl_gz_error(z) : strerror(errno));
			*why = msg;
			break;
		}
		if (r == 0)
			break;
	}
	fl_gz_close(z);
	free(buf);
	return r < 0 ? -1 : 0;
}

static int
decode(const char *path, size_t room, size_t most)
{
	struct src s = { -1, NULL, 0, 0, 0 };
	struct sink k = { 1, NULL, 0, 0 };
	const char *why;
	uint64_t total;

	s.most = most;
	if ((s.fd = open(path, O_RDONLY)) < 0)
		fl_die(2, "%s: %s", path, strerror(errno));
	if (stream(&s, room, &k, &why, &total) < 0) {
		fl_warn("%s: gzip: %s", path, why);
		return 1;
	}
	close(s.fd);
	return 0;
}

static int
inmemory(const char *path, size_t cap, int capgiven)
{
	size_t n, outn;
	unsigned char *in = slurp(path, &n), *out;
	const char *why;

	if (!capgiven) {
		struct src s = { -1, NULL, 0, 0, 0 };
		struct sink k = { -1, NULL, 0, 0 };
		uint64_t total;

		s.mem = in;
		s.n = n;
		s.most = SIZE_MAX;
		cap = stream(&s, 1 << 20, &k, &why, &total) < 0 ? 65536 : (size_t)total;
	}
	out = emalloc(cap);
	if (fl_gunzip(in, n, out, cap, &outn, &why) < 0) {
		fl_warn("%s: gzip: %s", path, why);
		return 1;
	}
	fwrite(out, 1, outn, stdout);
	free(in);
	free(out);
	return fflush(stdout) == 0 ? 0 : 2;
}

/* one -- the damaged stream p[0, n) by both interfaces: -1 when both
 * fail, 0 when both give ref[0, nref), 1 otherwise */
static int
one(const unsigned char *p, size_t n, const unsigned char *ref, size_t nref, size_t room,
    size_t most)
{
	struct src s = { -1, NULL, 0, 0, 0 };
	struct sink k = { -1, NULL, 0, 1 };
	const char *why;
	uint64_t total;
	unsigned char *out = emalloc(nref + 1);
	size_t outn;
	int a, b;

	s.mem = p;
	s.n = n;
	s.most = most;
	k.p = emalloc(1);
	a = stream(&s, room, &k, &why, &total);
	if (a == 0)
		a = k.n == nref && memcmp(k.p, ref, nref) == 0 ? 0 : 1;
	/* one byte more room than the right size, so a longer output shows */
	b = fl_gunzip(p, n, out, nref + 1, &outn, &why);
	if (b == 0)
		b = outn == nref && memcmp(out, ref, nref) == 0 ? 0 : 1;
	free(k.p);
	free(out);
	if (a != b)
		return 1;
	return a;
}

static int
damage(const char *path, size_t room, size_t most)
{
	size_t n, i, ntrunc = 0, nflip = 0, same = 0, bad = 0;
	unsigned char *p = slurp(path, &n);
	struct src s = { -1, NULL, 0, 0, 0 };
	struct sink k = { -1, NULL, 0, 1 };
	const char *why;
	uint64_t total;
	int bit, r;

	s.mem = p;
	s.n = n;
	s.most = SIZE_MAX;
	k.p = emalloc(1);
	if (stream(&s, 1 << 20, &k, &why, &total) < 0)
		fl_die(1, "%s: gzip: %s (the undamaged file must decode)", path, why);
	if (one(p, n, k.p, k.n, room, most) != 0)
		fl_die(1, "%s: the two interfaces differ on the undamaged file", path);
	for (i = 0; i < n; i++) {
		ntrunc++;
		if (one(p, i, k.p, k.n, room, most) != -1) {
			printf("violation: truncated to %zu bytes, accepted\n", i);
			bad++;
		}
	}
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8; bit++) {
			nflip++;
			p[i] ^= (unsigned char)(1 << bit);
			r = one(p, n, k.p, k.n, room, most);
			p[i] ^= (unsigned char)(1 << bit);
			if (r == 0)
				same++;
			if (r == 1) {
				printf("violation: bit %d of byte %zu flipped, other output\n", bit, i);
				bad++;
			}
		}
	}
	printf("%s: %zu truncations, %zu flips (%zu with the same output), %zu violations\n",
	    path, ntrunc, nflip, same, bad);
	free(p);
	free(k.p);
	return bad ? 1 : 0;
}

/* refcrc -- CRC-32 a bit at a time, from the definition */
static uint32_t
refcrc(uint32_t crc, const unsigned char *p, size_t n)
{
	int k;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc >> 1 ^ (crc & 1 ? 0xEDB88320u : 0);
	}
	return ~crc;
}

static int
crccheck(void)
{
	size_t n = 1 << 20, i, off, len, split, cases = 0, bad = 0;
	unsigned char *p = emalloc(n);
	uint64_t x = 0x9E3779B97F4A7C15u;
	uint32_t a, b, c;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)(x >> 32);
	}
	if (fl_crc32(0, "123456789", 9) != 0xCBF43926u ||
	    fl_crc32_portable(0, "123456789", 9) != 0xCBF43926u)
		bad++;
	for (len = 0; len <= 1100; len++) {
		for (off = 0; off < 16; off += 5) {
			split = (len * 7 + off) % (len + 1);
			a = fl_crc32(fl_crc32(0x12345678u, p + off, split), p + off + split, len - split);
			b = fl_crc32_portable(0x12345678u, p + off, len);
			c = refcrc(0x12345678u, p + off, len);
			cases++;
			bad += a != c || b != c;
		}
	}
	for (len = 4096; len <= n - 16; len = len * 3 + 1) {
		cases++;
		c = refcrc(0, p + 3, len);
		bad += fl_crc32(0, p + 3, len) != c || fl_crc32_portable(0, p + 3, len) != c;
	}
	printf("crc: fast path %s; %zu cases, %zu wrong\n",
	    fl_crc32_hasfast() ? "used" : "not on this machine or build", cases, bad);
	free(p);
	return bad ? 1 : 0;
}

static double
seconds(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* bench -- the best of repeat runs, by the clock and by the processor
 * time of this process (on a shared machine the second says more) */
static int
bench(const char *path, int repeat)
{
	struct sink k = { -1, NULL, 0, 0 };
	double wall = 0, cpu = 0, w, c;
	const char *why;
	uint64_t total = 0;
	int i;

	for (i = 0; i < repeat; i++) {
		struct src s = { -1, NULL, 0, 0, 65536 };

		if ((s.fd = open(path, O_RDONLY)) < 0)
			fl_die(2, "%s: %s", path, strerror(errno));
		w = seconds(CLOCK_MONOTONIC);
		c = seconds(CLOCK_PROCESS_CPUTIME_ID);
		if (stream(&s, 1 << 20, &k, &why, &total) < 0)
			fl_die(1, "%s: gzip: %s", path, why);
		w = seconds(CLOCK_MONOTONIC) - w;
		c = seconds(CLOCK_PROCESS_CPUTIME_ID) - c;
		close(s.fd);
		if (i == 0 || w < wall)
			wall = w;
		if (i == 0 || c < cpu)
			cpu = c;
	}
	printf("%s: %llu bytes out; best of %d: %.3f s, %.0f MB/s; processor time %.3f s, %.0f MB/s\n",
	    path, (unsigned long long)total, repeat, wall, (double)total / wall / 1e6, cpu,
	    (double)total / cpu / 1e6);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t room = 1 << 20, most = 65536;
	int c, mode = 0, capgiven = 0, repeat = 3;

	fl_setprog(argv[0]);
	while ((c = getopt(argc, argv, "bcmn:r:s:xh")) != -1) {
		switch (c) {
		case 'b': case 'c': case 'm': case 'x':
			mode = c;
			break;
		case 'n':
			repeat = (int)number(optarg, 1);
			break;
		case 'r':
			room = number(optarg, 0);
			capgiven = 1;
			break;
		case 's':
			most = number(optarg, 1);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	argc -= optind;
	argv += optind;
	if (mode == 'c')
		return argc ? (usage(stderr, 2), 2) : crccheck();
	if (argc != 1)
		usage(stderr, 2);
	if (mode != 'm' && room < FL_GZ_ROOM)
		fl_die(2, "ROOM must be at least %d", FL_GZ_ROOM);
	switch (mode) {
	case 'm':
		return inmemory(argv[0], room, capgiven);
	case 'x':
		return damage(argv[0], room, most);
	case 'b':
		return bench(argv[0], repeat);
	default:
		return decode(argv[0], room, most);
	}
}
