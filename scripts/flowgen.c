/*
 * flowgen -- deterministic generator of AWS VPC flow logs (version 2) and
 * lookup tables, for benchmarks and tests of the flowtag tools.
 *
 *   flowgen [-s SEED] [-m MALFORMED] [-d NODATA] [-k KEYS] -n LINES
 *   flowgen [-s SEED] -L ROWS
 *
 * -m and -d ask for malformed and NODATA/SKIPDATA lines per thousand; -k
 * bounds the distinct (dstport, protocol) keys: with -n >= -k every one of
 * them occurs.  -L writes a `dstport,protocol,tag` lookup table of ROWS
 * distinct keys, the well-known services of the flow log first.
 *
 * The same arguments always give the same bytes: the only source of
 * randomness is a splitmix64 stream started from SEED.
 *
 * Build: cc -O2 -o scripts/flowgen scripts/flowgen.c
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OBUFSZ   (1u << 20)
#define LINEMAX  256            /* no generated line is longer */
#define NENI     512
#define KEYSPACE (1ul << 24)    /* 65536 ports x 256 protocols */
#define BASETIME 1620140000u

enum { TCP = 6, UDP = 17, ICMP = 1 };

struct key {
	uint16_t port;
	uint8_t proto;
};

struct head {
	uint16_t port;
	uint8_t proto;
	uint16_t weight;
};

/*
 * The well-known services, heaviest first: dstport/protocol in headkeys,
 * and in headweights the weight of each, per ten thousand flows of the
 * forward direction; the rest of the traffic is replies to ephemeral
 * ports and scans (see flowkey).  Read into heads by readheads.
 */
static const char headkeys[] =
	"443/6 53/17 80/6 22/6 0/1 123/17 8080/6 443/17 3306/6 5432/6 3389/6 25/6 6379/6 "
	"8443/6 993/6 2049/6 53/6 587/6 9200/6 445/6 10250/6 6443/6 27017/6 1433/6 9092/6 "
	"143/6 161/17 8000/6 465/6 110/6 389/6 23/6 5060/17 500/17 4500/17 514/17 5672/6 "
	"3000/6 5000/6 0/58 995/6 636/6 139/6 21/6 1194/17 67/17 68/17 137/17 11211/6 2379/6 "
	"0/50 111/6 0/47 31/17 0/2 38412/132 0/51 0/253";
static const char headweights[] =
	"3000 900 800 300 250 250 200 200 150 150 120 100 100 100 80 80 60 60 60 60 60 60 50 "
	"50 50 40 40 40 30 30 30 30 30 30 30 30 30 30 30 30 20 20 20 20 20 20 20 20 20 20 15 "
	"10 10 5 5 3 2 1";
#define NHEAD 58
static struct head heads[NHEAD];

static char obuf[OBUFSZ];
static size_t olen;
static uint64_t rs;             /* PRNG state */
static char dig2[201];
static char octs[256][4];
static unsigned char octlen[256];
static char enis[NENI][22];     /* "eni-" + 17 hex digits */
static uint16_t wtab[65536];    /* 16 random bits -> index into the head */
static struct key *pool;        /* -k: the bounded key set */
static unsigned long npool;
static unsigned char *seen;     /* bitmap over KEYSPACE */

static void
usage(FILE *fp, int status)
{
	fputs("usage: flowgen [-s SEED] [-m MALFORMED] [-d NODATA] [-k KEYS] -n LINES\n"
	    "       flowgen [-s SEED] -L ROWS\n"
	    "  -m, -d  malformed / NODATA lines per thousand (default 0)\n"
	    "  -k      at most KEYS distinct (dstport, protocol) keys\n"
	    "  -L      write a lookup table of ROWS distinct keys instead\n", fp);
	exit(status);
}

static void
die(const char *msg)
{
	fprintf(stderr, "flowgen: %s\n", msg);
	exit(1);
}

/* splitmix64: small, fast, and good enough for synthetic traffic */
static uint64_t
rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* below -- uniform in [0, n) from the top 32 bits of r, n < 2^32 */
static uint32_t
below(uint64_t r, uint32_t n)
{
	return (uint32_t)(((r >> 32) * n) >> 32);
}

static unsigned long
number(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		goto bad;
	return v;
bad:
	fprintf(stderr, "flowgen: %s: '%s' is not a number 0..%lu\n", opt, s, max);
	exit(2);
}

static void
oflush(void)
{
	size_t off = 0;
	ssize_t w;

	while (off < olen) {
		w = write(1, obuf + off, olen - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "flowgen: write error: %s\n", strerror(errno));
			exit(1);
		}
		off += (size_t)w;
	}
	olen = 0;
}

static char *
putu(char *p, uint32_t v)
{
	char tmp[10], *q = tmp + sizeof tmp;
	unsigned d;
	size_t n;

	while (v >= 100) {
		d = (v % 100) * 2;
		v /= 100;
		*--q = dig2[d + 1];
		*--q = dig2[d];
	}
	if (v >= 10) {
		*--q = dig2[v * 2 + 1];
		*--q = dig2[v * 2];
	} else {
		*--q = (char)('0' + v);
	}
	n = (size_t)(tmp + sizeof tmp - q);
	memcpy(p, q, n);
	return p + n;
}

static char *
putoct(char *p, unsigned o)
{
	memcpy(p, octs[o], 4);  /* copies a NUL or junk past it; cheap */
	return p + octlen[o];
}

static char *
puts_(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* putkey -- a key field v, or when bad is b (or b + 1) the malformed
 * text of a port (b 4) or a protocol (b 6) instead */
static char *
putkey(char *p, uint32_t v, int bad, int b)
{
	static const char *const text[8] = { [4] = "70000", [5] = "abc", [6] = "300", [7] = "tcp" };

	if (bad == b || bad == b + 1)
		return puts_(p, text[bad], strlen(text[bad]));
	return putu(p, v);
}

/* putaddr -- an address inside the VPC (10.0.0.0/16) or a public one */
static char *
putaddr(char *p, uint64_t r, int inside)
{
	unsigned a = (unsigned)(r >> 8) & 0xff, b = (unsigned)(r >> 16) & 0xff;
	unsigned c = (unsigned)(r >> 24) & 0xff, d = (unsigned)(r >> 32) & 0xff;

	if (inside) {
		p = puts_(p, "10.0.", 5);
		p = putoct(p, c & 0x3f);
		*p++ = '.';
		return putoct(p, d | 1);
	}
	a = 1 + a % 223;
	if (a == 10 || a == 127 || a == 172 || a == 192 || a == 100)
		a += 1;
	p = putoct(p, a);
	*p++ = '.';
	p = putoct(p, b);
	*p++ = '.';
	p = putoct(p, c);
	*p++ = '.';
	return putoct(p, d | 1);
}

static void
init(uint64_t seed)
{
	int i, j;
	static const char hex[] = "0123456789abcdef";

	for (i = 0; i < 100; i++) {
		dig2[2 * i] = (char)('0' + i / 10);
		dig2[2 * i + 1] = (char)('0' + i % 10);
	}
	for (i = 0; i < 256; i++)
		octlen[i] = (unsigned char)(putu(octs[i], (uint32_t)i) - octs[i]);
	rs = seed;
	for (i = 0; i < NENI; i++) {
		uint64_t r = rnd();
		memcpy(enis[i], "eni-0", 5);
		for (j = 0; j < 16; j++)
			enis[i][5 + j] = hex[(r >> (4 * j)) & 0xf];
		enis[i][21] = ' ';
	}
}

/* readheads -- heads from headkeys and headweights */
static void
readheads(void)
{
	const char *k = headkeys, *w = headweights;
	char *e;
	size_t i;

	for (i = 0; i < NHEAD; i++) {
		heads[i].port = (uint16_t)strtoul(k, &e, 10);
		heads[i].proto = (uint8_t)strtoul(e + 1, &e, 10);
		k = e;
		heads[i].weight = (uint16_t)strtoul(w, &e, 10);
		w = e;
	}
}

/* buildw -- fill wtab so that 16 random bits pick one of the first n heads */
static void
buildw(size_t n)
{
	uint64_t total = 0, cum = 0, target;
	size_t i = 0, s;

	for (s = 0; s < n; s++)
		total += heads[s].weight;
	cum = heads[0].weight;
	for (s = 0; s < 65536; s++) {
		target = (uint64_t)s * total / 65536;
		while (cum <= target && i + 1 < n)
			cum += heads[++i].weight;
		wtab[s] = (uint16_t)i;
	}
}

/* perm -- a bijection on [0, 2^bits), so distinct j give distinct keys */
static uint32_t
perm(uint32_t x, unsigned bits, uint64_t salt)
{
	uint32_t m = (uint32_t)((1ul << bits) - 1);
	int i;

	for (i = 0; i < 3; i++) {
		x = (x ^ (uint32_t)(salt >> (16 * i))) & m;
		x = (x * 0x2c1b3c6du + 2u * (uint32_t)i + 1u) & m;
		x ^= x >> (bits / 2 + 1);
		x = (x * 0x297a2d39u) & m;
		x ^= x >> (bits / 3 + 1);
	}
	return x;
}

static int
testset(struct key k)
{
	unsigned long b = (unsigned long)k.proto << 16 | k.port;
	int was = seen[b >> 3] >> (b & 7) & 1;

	seen[b >> 3] |= (unsigned char)(1u << (b & 7));
	return was;
}

/*
 * mkkeys -- n distinct keys: the heaviest heads first, then keys spread
 * over tcp/udp ports (or, for large n, over all 2^24 keys).
 */
static struct key *
mkkeys(unsigned long n, uint64_t salt)
{
	struct key *k, c;
	unsigned long i = 0, j = 0;
	unsigned bits = n <= 100000 ? 17 : 24;
	uint32_t x;

	if (!(k = malloc((n ? n : 1) * sizeof *k)) || !(seen = calloc(KEYSPACE / 8, 1)))
		die("out of memory");
	for (; i < n && i < NHEAD; i++) {
		k[i].port = heads[i].port;
		k[i].proto = heads[i].proto;
		testset(k[i]);
	}
	while (i < n) {
		x = perm((uint32_t)j++, bits, salt);
		if (bits == 17) {
			c.proto = (x & 1) ? TCP : UDP;
			c.port = (uint16_t)(x >> 1);
		} else {
			c.proto = (uint8_t)(x >> 16);
			c.port = (uint16_t)x;
		}
		if (!testset(c))
			k[i++] = c;
	}
	free(seen);
	seen = NULL;
	return k;
}

/* flowkey -- the key of the f-th flow, and its source port */
static struct key
flowkey(unsigned long f, uint32_t *sport)
{
	uint64_t r = rnd();
	struct key k;
	uint32_t eph = 1024 + below(r, 64512);
	const struct head *h;

	if (pool) {
		if (f < npool)
			k = pool[f];
		else if ((r & 0xff) < 218 || npool <= NHEAD)
			k = pool[wtab[(r >> 8) & 0xffff]];
		else
			k = pool[below(r, (uint32_t)npool)];
		*sport = k.port == 0 && k.proto != TCP && k.proto != UDP ? 0 : eph;
		return k;
	}
	if ((r & 0xff) < 3) {           /* a scan of low ports */
		k.proto = TCP;
		k.port = (uint16_t)(1 + (r >> 8) % 1023);
		*sport = eph;
		return k;
	}
	h = &heads[wtab[(r >> 8) & 0xffff]];
	k.port = h->port;
	k.proto = h->proto;
	*sport = 0;
	if (h->proto != TCP && h->proto != UDP && h->port == 0)
		return k;
	if (((r >> 24) & 0xff) < 40 && h->proto != 132) {      /* a reply */
		*sport = h->port;
		k.port = (uint16_t)eph;
	} else {
		*sport = eph;
	}
	return k;
}

static char *
putnodata(char *p, uint64_t r, uint32_t t)
{
	p = puts_(p, "2 123456789012 ", 15);
	p = puts_(p, enis[r % NENI], 22);
	p = puts_(p, "- - - - - - - ", 14);
	p = putu(p, t);
	*p++ = ' ';
	p = putu(p, t + 60);
	if (((r >> 16) & 7) == 0)
		return puts_(p, " - SKIPDATA\n", 12);
	return puts_(p, " - NODATA\n", 10);
}

/*
 * putflow -- one record; bad > 0 makes it malformed:
 * 1 a field missing, 2 cut short, 3 a field too many, 4 dstport 70000,
 * 5 dstport abc, 6 protocol 300, 7 protocol written as a name.
 */
static char *
putflow(char *p, unsigned long f, uint32_t t, int bad)
{
	uint32_t sport, pk;
	struct key k = flowkey(f, &sport);
	uint64_t r = rnd(), r2 = rnd();
	int out = (r & 1) != 0;

	p = puts_(p, "2 123456789012 ", 15);
	p = puts_(p, enis[(r >> 1) % NENI], 22);
	p = putaddr(p, r, out);
	*p++ = ' ';
	p = putaddr(p, r2, !out);
	*p++ = ' ';
	p = putu(p, sport);
	*p++ = ' ';
	p = putkey(p, k.port, bad, 4);
	if (bad == 2) {
		*p++ = '\n';
		return p;
	}
	*p++ = ' ';
	p = putkey(p, k.proto, bad, 6);
	*p++ = ' ';
	pk = (r2 >> 40) & 0xff;
	pk = pk < 200 ? 1 + pk % 20 : 1 + (uint32_t)(r2 >> 48) % 5000;
	p = putu(p, pk);
	if (bad != 1) {
		*p++ = ' ';
		p = putu(p, pk * (40 + below(r2, 1461)));
	}
	*p++ = ' ';
	p = putu(p, t);
	*p++ = ' ';
	p = putu(p, t + 1 + (uint32_t)(r >> 40) % 60);
	if (((r >> 48) & 0xff) < 18)
		p = puts_(p, " REJECT OK", 10);
	else
		p = puts_(p, " ACCEPT OK", 10);
	if (bad == 3)
		p = puts_(p, " vpc-0a1b2c3d", 13);
	*p++ = '\n';
	return p;
}

static void
flows(unsigned long n, unsigned mal, unsigned nod)
{
	unsigned long i, f = 0;
	uint64_t r;
	uint32_t u, t;
	char *p;

	for (i = 0; i < n; i++) {
		if (olen > OBUFSZ - LINEMAX)
			oflush();
		p = obuf + olen;
		r = rnd();
		u = below(r, 1000);
		t = BASETIME + (uint32_t)(i >> 10) + (uint32_t)(r & 31);
		if (u < mal)
			p = putflow(p, f, t, 1 + (int)((r >> 8) % 7));
		else if (u < mal + nod)
			p = putnodata(p, r, t);
		else
			p = putflow(p, f++, t, 0);
		olen = (size_t)(p - obuf);
	}
	oflush();
}

static char *
putproto(char *p, unsigned proto, uint64_t r)
{
	static const char *const names[][3] = {
		{ "tcp", "TCP", "Tcp" }, { "udp", "UDP", "Udp" }, { "icmp", "ICMP", "Icmp" },
	};
	int v = proto == TCP ? 0 : proto == UDP ? 1 : proto == ICMP ? 2 : -1;
	unsigned x = (unsigned)(r & 0xff);

	if (v < 0 || x < 20)            /* numbers are allowed too */
		return putu(p, proto);
	x = x < 40 ? 1 : x < 45 ? 2 : 0;
	return puts_(p, names[v][x], strlen(names[v][x]));
}

static void
lookup(unsigned long rows)
{
	struct key *k = mkkeys(rows, rnd());
	uint32_t ntags = (uint32_t)(rows / 5 + 1);
	unsigned long i;
	uint64_t r;
	char *p;

	p = obuf;
	p = puts_(p, "dstport,protocol,tag\n", 21);
	olen = (size_t)(p - obuf);
	for (i = 0; i < rows; i++) {
		if (olen > OBUFSZ - LINEMAX)
			oflush();
		p = obuf + olen;
		r = rnd();
		p = putu(p, k[i].port);
		*p++ = ',';
		p = putproto(p, k[i].proto, r);
		p = puts_(p, ",svc_", 5);
		p = putu(p, below(r, ntags));
		*p++ = '\n';
		olen = (size_t)(p - obuf);
	}
	oflush();
	free(k);
}

int
main(int argc, char *argv[])
{
	unsigned long n = 0, rows = 0, mal = 0, nod = 0, keys = 0;
	uint64_t seed = 1;
	int c, haven = 0, havel = 0;

	while ((c = getopt(argc, argv, "hs:m:d:k:n:L:")) != -1) {
		switch (c) {
		case 'h': usage(stdout, 0); break;
		case 's': seed = number("-s", optarg, (unsigned long)-1); break;
		case 'm': mal = number("-m", optarg, 1000); break;
		case 'd': nod = number("-d", optarg, 1000); break;
		case 'k': keys = number("-k", optarg, KEYSPACE); if (!keys) usage(stderr, 2); break;
		case 'n': n = number("-n", optarg, (unsigned long)-1); haven = 1; break;
		case 'L': rows = number("-L", optarg, KEYSPACE); havel = 1; break;
		default: usage(stderr, 2);
		}
	}
	if (optind != argc || haven == havel)
		usage(stderr, 2);
	if (mal + nod > 1000) {
		fputs("flowgen: -m plus -d is more than 1000 per thousand\n", stderr);
		return 2;
	}
	init(seed);
	readheads();
	if (havel) {
		lookup(rows);
		return 0;
	}
	if (keys) {
		npool = keys;
		pool = mkkeys(keys, rnd());
		buildw(keys < NHEAD ? keys : NHEAD);
	} else {
		buildw(NHEAD);
	}
	flows(n, (unsigned)mal, (unsigned)nod);
	free(pool);
	return 0;
}
