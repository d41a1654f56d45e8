/* flow-parse -- AWS VPC flow log records to dstport<TAB>protocol lines */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow.h"

#define MAXLINE (1024 * 1024)

static struct fl_fmt base;           /* the -f selection, no format yet */
static int strict;
static int counting;                 /* -c: count here, as flow-count would */
static int unsorted;                 /* -u: -c rows unsorted, for flow-count -s */
/* -c without -f: counts by [protocol][port], 16 bits wide so that the
 * tables of the common protocols stay in cache; each wrap of a 16-bit
 * count adds 65536 to the wide table beside it */
static uint16_t *bykey[256];
static uint64_t *bykeyhi[256];
static uint64_t *hibits[256];        /* -c: a bit for each port with a wrap */
static struct fl_map byline;         /* -c with -f: whole output lines */
static char *scratch;
static int progfd = -1;              /* -p: bytes done, rewritten as we go */
static uint64_t progdone;
static int ranged;
static int here;                      /* -R: no pass over the bytes before the range */
static uint64_t rstart, rend = UINT64_MAX;
static uint64_t partk, partn;         /* -r/-R K/N: part K of N equal parts */
static uint64_t nrec, nflow, nnodata, nmal, nbytes;
static uint64_t nlines, nheaders;     /* in the range; headers besides line 1 */
static unsigned char seen[256];

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: flow-parse [-cSu] [-f FIELDS] [-m FIELD] [-p FILE] [-r RANGE | -R RANGE]\n"
	    "                  [-T FILE] [file ...]\n"
	    "       RANGE is START:END (byte offsets) or K/N (part K of N equal parts)\n");
	exit(status);
}

static void
checkname(unsigned proto, const char *name, uint64_t line)
{
	if (!seen[proto]) {
		seen[proto] = 1;      /* looked at: once per protocol */
		if (!fl_proto_has_keyword(proto))
			fl_linewarn(name, line, "warning: protocol %u has no IANA keyword, named '%u'",
			    proto, proto);
	}
}

static char *
putkey(char *p, unsigned port, unsigned proto)
{
	size_t n;
	const char *s = fl_proto_name(proto, &n);

	p = fl_utoa(p, port);
	*p++ = '\t';
	memcpy(p, s, n);
	return p + n;
}

/* line -- the output line of a flow into scratch, without its newline */
static size_t
line(const struct fl_fmt *fmt, const struct fl_rec *r)
{
	char *p = scratch;
	size_t n;
	int i;

	if (fmt->nsel == 0)
		return (size_t)(putkey(p, r->port, r->proto) - p);
	for (i = 0; i < fmt->nsel; i++) {
		int f = fmt->sel[i];
		if (i)
			*p++ = '\t';
		if (fmt->selkind[i] == 1) {
			p = fl_utoa(p, r->port);
		} else if (fmt->selkind[i] == 2) {
			const char *s = fl_proto_name(r->proto, &n);
			memcpy(p, s, n);
			p += n;
		} else {
			memcpy(p, r->f[f], r->fn[f]);
			p += r->fn[f];
		}
	}
	return (size_t)(p - scratch);
}

/* count -- one flow of -c without -f or -m */
static inline void
count(unsigned proto, unsigned port)
{
	if (!bykey[proto])
		bykey[proto] = ecalloc(65536, sizeof(uint16_t));
	if (++bykey[proto][port] == 0) {
		/* the high part only once a count passes 65535, and read
		 * only where a bit says it was written: untouched pages cost
		 * nothing, read ones a page fault each */
		if (!bykeyhi[proto]) {
			bykeyhi[proto] = ecalloc(65536, sizeof(uint64_t));
			hibits[proto] = ecalloc(65536 / 64, sizeof(uint64_t));
		}
		bykeyhi[proto][port] += 65536;
		hibits[proto][port / 64] |= (uint64_t)1 << (port % 64);
	}
}

/* emit -- one flow: printed, or counted, or its measure summed */
static void
emit(const struct fl_fmt *fmt, const struct fl_rec *r, const char *name, uint64_t lineno,
    uint64_t val)
{
	size_t n;

	checkname(r->proto, name, lineno);
	if (fmt->measure >= 0 && fmt->nsel == 0) {
		if (!bykey[r->proto]) {
			bykey[r->proto] = ecalloc(65536, sizeof(uint16_t));
			bykeyhi[r->proto] = ecalloc(65536, sizeof(uint64_t));
		}
		if (bykeyhi[r->proto][r->port] > UINT64_MAX - val)
			fl_die(1, "%s:%llu: sum overflows 64 bits", name, (unsigned long long)lineno);
		bykeyhi[r->proto][r->port] += val;
		bykey[r->proto][r->port] = 1;       /* seen, even with a sum of 0 */
		return;
	}
	if (counting && fmt->nsel == 0) {
		count(r->proto, r->port);
		return;
	}
	n = line(fmt, r);
	if (counting) {
		uint64_t *c = fl_map_get(&byline, scratch, n, 1);
		if (*c > UINT64_MAX - val)
			fl_die(1, "%s:%llu: sum overflows 64 bits", name, (unsigned long long)lineno);
		*c += val;
		return;
	}
	scratch[n] = '\n';
	fl_put(scratch, n + 1);
}

/* putcount -- a -c row: key, TAB, count */
static void
putcount(const char *k, size_t n, uint64_t v)
{
	fl_put(k, n);
	fl_putc('\t');
	fl_putu(v);
	fl_putc('\n');
}

/* countrow -- the row of one key of the -c tables, if it was seen */
static void
countrow(unsigned proto, unsigned port, const uint16_t *lo, const uint64_t *hi, const uint64_t *hb)
{
	char key[32];
	uint64_t c = lo[port];
	size_t n;

	if (base.measname != NULL)
		c = c ? hi[port] : 0;
	else if (hb && (hb[port / 64] >> (port % 64) & 1))
		c += hi[port];
	if (!lo[port] && !c)
		return;
	n = (size_t)(putkey(key, port, proto) - key);
	if (unsorted)
		putcount(key, n, c);
	else
		*fl_map_get(&byline, key, n, 1) += c;
}

/* printcounts -- -c output, as flow-parse | flow-count would print it */
static void
printcounts(void)
{
	unsigned proto, port, b, j;
	uint64_t *v;
	const char *k;
	size_t n, pos = 0;

	/* -u: the rows straight out, no sort; else into the map, sorted.
	 * Ports go 64 at a time, a group without a count skipped whole
	 * (with -m a key's bykey is 1, its sum in bykeyhi) */
	for (proto = 0; proto < 256; proto++) {
		const uint16_t *lo = bykey[proto];
		const uint64_t *hi = bykeyhi[proto], *hb = hibits[proto];
		if (!lo)
			continue;
		for (b = 0; b < 65536; b += 64) {
			uint64_t any = hb ? hb[b / 64] : 0, w;
			for (j = 0; j < 64; j += 4) {
				memcpy(&w, lo + b + j, 8);
				any |= w;
			}
			if (any)
				for (port = b; port < b + 64; port++)
					countrow(proto, port, lo, hi, hb);
		}
		free(bykey[proto]);
		free(bykeyhi[proto]);
		free(hibits[proto]);
	}
	if (!unsorted) {
		fl_map_print(&byline, UINT64_MAX);
		return;
	}
	while (fl_map_next(&byline, &pos, &v, &k, &n))
		putcount(k, n, *v);
}

static void
bad(const char *name, uint64_t line, const struct fl_fmt *fmt, const struct fl_rec *r)
{
	nmal++;
	switch (r->err) {
	case FL_ECOUNT:
		fl_linewarn(name, line, "malformed: %d fields, expected %d", r->nf, fmt->nfields);
		break;
	case FL_EPORT:
		fl_linewarn(name, line, "malformed: dstport '%s' is not a number 0..65535",
		    fl_quote(r->f[r->errfield], r->fn[r->errfield]));
		break;
	case FL_EPROTO:
		fl_linewarn(name, line, "malformed: protocol '%s' is not a number 0..255",
		    fl_quote(r->f[r->errfield], r->fn[r->errfield]));
		break;
	case FL_EMEASURE:
		fl_linewarn(name, line, "malformed: %s '%s' is not a number", fmt->measname,
		    fl_quote(r->f[r->errfield], r->fn[r->errfield]));
		break;
	default:
		fl_linewarn(name, line, "malformed: line longer than %d bytes", MAXLINE);
		break;
	}
	if (strict) {
		fl_finish();
		exit(1);
	}
}

/* progress -- the bytes done so far into the -p file, for a watcher */
static void
progress(uint64_t done)
{
	char buf[32], *p = fl_utoa(buf, done);

	*p++ = '\n';
	while ((size_t)(p - buf) < 21)
		*p++ = ' ';
	if (pwrite(progfd, buf, 21, 0) < 0)
		progfd = -1;
}

/* select_fields -- map -f names to the format; a name it lacks is an
 * error only once a record comes under that format (a header may follow) */
static const char *
select_fields(struct fl_fmt *fmt)
{
	const char *missing = NULL;

	fl_fmt_select(fmt, &missing);
	return missing;
}

/* fastcount -- -c without -f or -m: the plain flow lines ahead in the
 * reader's buffer counted straight from it, a batch at a time, until a
 * line needs the full parser (which then takes it as usual) */
static void
fastcount(struct fl_rd *r, const struct fl_fmt *fmt, const char *name, uint64_t *first,
    uint64_t *last)
{
	uint32_t keys[512];
	size_t k, i, used, lim;
	uint64_t at;

	for (;;) {
		if (r->skipping || r->pos >= r->end)
			return;
		at = r->off;            /* file offset of the next line */
		if (at < rstart || at >= rend)
			return;
		if (!(r->tabok && r->tabfrom <= r->pos && r->pos <= r->tabat))
			fl_rd_tabscan(r, r->buf + r->pos, 0);
		lim = rend - at < r->end - r->pos ? (size_t)(rend - at) : r->end - r->pos;
		k = fl_quick_lines(fmt, r->buf + r->pos, r->tabat - r->pos, lim, keys, 512, &used);
		if (k == 0)
			return;
		for (i = 0; i < k; i++) {
			if (!seen[keys[i] >> 16])
				checkname(keys[i] >> 16, name, r->lineno + i + 1);
			count(keys[i] >> 16, keys[i] & 0xffff);
		}
		if (progfd >= 0 && (r->lineno >> 16) != ((r->lineno + k) >> 16))
			progress(progdone + (fl_rd_srcpos(r) > rstart ? fl_rd_srcpos(r) - rstart : 0));
		if (*first == UINT64_MAX)
			*first = at;
		r->lineno += k;
		r->pos += used;
		r->off += used;
		r->lineoff = r->off;
		*last = r->off;
		nlines += k;
		nrec += k;
		nflow += k;
	}
}

/* splitpart -- -r/-R K/N: the byte range of part K of the file cut in N
 * equal parts (lines go to the part their first byte is in). A gzip file
 * is not cut: part 0 is all of it, the others are empty (0). */
static int
splitpart(const char *name)
{
	struct stat st;
	unsigned char magic[2];
	uint64_t size;
	int fd = open(name, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		fl_die(1, "%s:", name);
	if (!S_ISREG(st.st_mode))
		fl_die(1, "%s: -%c K/N needs a regular file", name, here ? 'R' : 'r');
	if (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		close(fd);
		if (partk > 0)
			return 0;
		ranged = 0;
		rstart = 0;
		rend = UINT64_MAX;
		return 1;
	}
	close(fd);
	size = (uint64_t)st.st_size;
	/* size * K / N without overflow */
	rstart = size / partn * partk + size % partn * partk / partn;
	rend = partk + 1 == partn ? size :
	    size / partn * (partk + 1) + size % partn * (partk + 1) / partn;
	return 1;
}

static void
process(const char *name)
{
	static struct fl_rec rec;
	struct fl_fmt fmt = base;
	struct fl_rd r;
	char *s;
	size_t n;
	uint64_t first = UINT64_MAX, last = 0, pos;
	const char *missing;
	uint64_t val = 1;
	int k, t;

	if (partn && !splitpart(name))
		return;                 /* a later part of a gzip file: empty */
	if (fl_rd_open(&r, name, MAXLINE) < 0)
		fl_die(1, "%s:", name);
	if (ranged && fl_rd_isgzip(&r))
		fl_die(1, "%s: -r and -R cannot split a gzip file", name);
	fl_fmt_default(&fmt);
	missing = select_fields(&fmt);
	if (here && rstart > 0) {
		/* -R: the format of the file's first line, then straight to the
		 * byte before the range; the line in progress there is line 1 */
		const char *why;
		struct fl_fmt h = fmt;
		if ((k = fl_rd_line(&r, &s, &n)) < 0)
			fl_die(1, "%s: read error:", name);
		if (k > 0 && !r.toolong && fl_parse(&fmt, s, n, &rec) == FL_HEADER &&
		    fl_fmt_header(&h, s, n, &why) == 0) {
			fmt = h;
			missing = select_fields(&fmt);
		}
		if (fl_rd_seek(&r, rstart - 1) < 0)
			fl_die(1, "%s: cannot seek:", name);
		r.lineno = 0;
	} else {
		/* before the range: only a header matters */
		while ((k = fl_rd_skipto(&r, rstart, &s, &n)) > 0) {
			const char *why;
			if (fl_parse(&fmt, s, n, &rec) != FL_HEADER)
				continue;
			if (fl_fmt_header(&fmt, s, n, &why) < 0)
				exit(1);    /* the range holding it says why */
			missing = select_fields(&fmt);
		}
		if (k < 0)
			fl_die(1, "%s: read error:", name);
	}
	for (;;) {
		const char *why;

		if (counting && fmt.quick && fmt.nsel == 0 && fmt.measure < 0)
			fastcount(&r, &fmt, name, &first, &last);
		if ((k = fl_rd_next(&r, &s, &n)) <= 0)
			break;
		if (r.lineoff >= rend)
			break;
		if (r.lineoff < rstart)
			continue;       /* the unfinished last line, before the range */
		nlines++;
		if (progfd >= 0 && (r.lineno & 0xffff) == 0)
			progress(progdone + (fl_rd_srcpos(&r) > rstart ? fl_rd_srcpos(&r) - rstart : 0));
		if (first == UINT64_MAX)
			first = r.lineoff;
		last = r.off;
		if (r.toolong) {
			nrec++;
			rec.err = FL_ELONG;
			bad(name, r.lineno, &fmt, &rec);
			continue;
		}
		t = fl_rd_tabfree(&r, s, n) ?
		    fl_parse_notab(&fmt, s, n, (size_t)(r.buf + r.end - s), &rec) :
		    fl_parse(&fmt, s, n, &rec);
		if (t == FL_HEADER) {
			nheaders += r.lineoff > 0;
			if (fl_fmt_header(&fmt, s, n, &why) < 0)
				fl_die(1, "%s:%llu: %s", name, (unsigned long long)r.lineno, why);
			missing = select_fields(&fmt);
			continue;
		}
		if (t != FL_SKIP && missing)
			fl_die(1, "%s:%llu: field '%s' is not in the log format", name,
			    (unsigned long long)r.lineno, missing);
		switch (t) {
		case FL_SKIP:
			break;
		case FL_FLOW:
			nrec++;
			if (fmt.measure >= 0) {
				const char *f = rec.f[fmt.measure];
				size_t fn = rec.fn[fmt.measure];
				if (fl_udec(f, fn, UINT64_MAX, &val) < 0) {
					rec.err = FL_EMEASURE;
					rec.errfield = fmt.measure;
					bad(name, r.lineno, &fmt, &rec);
					break;
				}
			}
			nflow++;
			emit(&fmt, &rec, name, r.lineno, val);
			break;
		case FL_NODATA:
			nrec++;
			nnodata++;
			break;
		default:
			nrec++;
			bad(name, r.lineno, &fmt, &rec);
			break;
		}
	}
	if (k < 0)
		fl_die(1, "%s: read error:", name);
	if (first != UINT64_MAX)
		nbytes += last - first;
	pos = fl_rd_srcpos(&r) > rend ? rend : fl_rd_srcpos(&r);
	progdone += pos > rstart ? pos - rstart : 0;
	if (progfd >= 0)
		progress(progdone);
	if (fl_rd_close(&r) < 0)
		fl_die(1, "%s: gzip: decompression failed (truncated or corrupt input?)", name);
}

static void
parsefields(char *arg)
{
	char *p = arg, *e;

	for (;;) {
		e = strchr(p, ',');
		if (e)
			*e = '\0';
		if (!fl_field_known(p, strlen(p))) {
			fl_warn("-f: unknown field '%s'", p);
			usage(2);
		}
		if (base.nsel == FL_MAXSEL)
			fl_die(2, "-f: more than %d fields", FL_MAXSEL);
		base.selname[base.nsel++] = p;
		if (!e)
			break;
		p = e + 1;
	}
}

static void
parserange(const char *arg)
{
	const char *colon = strchr(arg, ':'), *slash = strchr(arg, '/');

	ranged = 1;
	partn = 0;
	if (slash) {
		if (fl_udec(arg, (size_t)(slash - arg), UINT64_MAX, &partk) < 0 ||
		    fl_udec(slash + 1, strlen(slash + 1), 65536, &partn) < 0 || partn == 0 ||
		    partk >= partn) {
			fl_warn("-%c: '%s' is not K/N with K < N <= 65536", here ? 'R' : 'r', arg);
			usage(2);
		}
		return;
	}
	if (!colon || fl_udec(arg, (size_t)(colon - arg), UINT64_MAX, &rstart) < 0 ||
	    fl_udec(colon + 1, strlen(colon + 1), UINT64_MAX, &rend) < 0 || rstart > rend) {
		fl_warn("-%c: '%s' is not START:END or K/N", here ? 'R' : 'r', arg);
		usage(2);
	}
}

static void
totals(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fl_die(1, "%s:", path);
	fprintf(f, "records\t%llu\nflows\t%llu\nnodata\t%llu\nmalformed\t%llu\nbytes\t%llu\n"
	    "lines\t%llu\nheaders\t%llu\n",
	    (unsigned long long)nrec, (unsigned long long)nflow,
	    (unsigned long long)nnodata, (unsigned long long)nmal,
	    (unsigned long long)nbytes, (unsigned long long)nlines,
	    (unsigned long long)nheaders);
	if (fclose(f) != 0)
		fl_die(1, "%s:", path);
}

int
main(int argc, char *argv[])
{
	const char *totfile = NULL;
	int c, i;

	fl_setprog(argv[0]);
	signal(SIGPIPE, SIG_DFL);
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--strict") == 0)
			argv[i] = "-S";
	while ((c = getopt(argc, argv, "hcSuf:m:p:r:R:T:")) != -1) {
		switch (c) {
		case 'h': usage(0); break;
		case 'c': counting = 1; break;
		case 'u': unsorted = 1; break;
		case 'm':
			if (!fl_field_known(optarg, strlen(optarg))) {
				fl_warn("-m: unknown field '%s'", optarg);
				usage(2);
			}
			base.measname = optarg;
			break;
		case 'S': strict = 1; break;
		case 'f': parsefields(optarg); break;
		case 'r': here = 0; parserange(optarg); break;
		case 'R': here = 1; parserange(optarg); break;
		case 'T': totfile = optarg; break;
		case 'p':
			if ((progfd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC, 0666)) < 0)
				fl_die(1, "%s:", optarg);
			break;
		default: usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (base.measname && !counting) {
		fl_warn("-m needs -c");
		usage(2);
	}
	if (unsorted && !counting) {
		fl_warn("-u needs -c");
		usage(2);
	}
	if (ranged && (argc != 1 || strcmp(argv[0], "-") == 0)) {
		fl_warn("-r and -R need exactly one named file");
		usage(2);
	}
	scratch = emalloc(MAXLINE + 64 * FL_MAXSEL);
	if (counting)
		fl_map_init(&byline);
	if (argc == 0)
		process("-");
	for (i = 0; i < argc; i++)
		process(argv[i]);
	if (counting)
		printcounts();
	fl_finish();
	if (totfile)
		totals(totfile);
	return 0;
}
