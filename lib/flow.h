/* flow.h -- the shared library of the flowtag filters */
#ifndef FLOW_H
#define FLOW_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* err.c: messages start with the program name; FL_PRINTF lets compilers
 * check the arguments against the format */
#if defined(__GNUC__) || defined(__clang__)
#define FL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define FL_PRINTF(f, a)
#endif
extern const char *fl_prog;
void fl_setprog(const char *argv0);
void fl_warn(const char *fmt, ...) FL_PRINTF(1, 2);
void fl_die(int status, const char *fmt, ...) FL_PRINTF(2, 3);
void fl_linewarn(const char *file, uint64_t line, const char *fmt, ...) FL_PRINTF(3, 4);
void fl_vlinewarn(const char *file, uint64_t line, const char *fmt, va_list ap) FL_PRINTF(3, 0);
const char *fl_quote(const char *s, size_t n);
/* fl_quote_r -- fl_quote into the caller's buffer (threads) */
#define FL_QUOTEMAX (4 * 40 + 8)
const char *fl_quote_r(char *buf, const char *s, size_t n);

/* opt.c: a program's start: its name, SIGPIPE, --help, --version and
 * the long names of short options */
#ifndef FL_VERSION
#define FL_VERSION "unknown"
#endif
void fl_start(int argc, char **argv, void (*usage)(int), const char *const (*map)[2]);

/* mem.c: allocation that exits on failure */
void *emalloc(size_t n);
void *erealloc(void *p, size_t n);
void *ecalloc(size_t nmemb, size_t size);
char *estrdup(const char *s);
/* fl_bigalloc -- a large array (not zeroed), on huge pages where there are */
void *fl_bigalloc(size_t n);

/* num.c: bounded decimal parsing and formatting */
int fl_udec(const char *s, size_t n, uint64_t max, uint64_t *out);
char *fl_utoa(char *p, uint64_t v);
int fl_isdigits(const char *s, size_t n);

/* proto.c: IANA protocol numbers, compiled in */
const char *fl_proto_name(unsigned num, size_t *len);
int fl_proto_has_keyword(unsigned num);
int fl_proto_parse(const char *s, size_t n);

/* hash.c: seeded hashing */
uint64_t fl_hash(const void *p, size_t n, uint64_t seed);
uint64_t fl_seed(void);

/* map.c: byte-string keys -> uint64 value, insertion order kept. Each key
 * is a record in one arena, 8-byte aligned: the value, the key's length
 * (uint32), the key's bytes. A slot holds the high half of the key's hash
 * (whose top bits are also the slot's position) beside the record's offset
 * in 8-byte units plus 1; 0 is empty. A value pointer holds until the next
 * new key. */
struct fl_map {
	uint64_t *slot;          /* NULL after fl_map_print until the next get */
	unsigned bits;           /* log2 of the number of slots */
	size_t nent;             /* distinct keys */
	unsigned char *arena;
	size_t narena, caparena; /* bytes */
	uint64_t seed;
};
#define FL_MAPHDR 12         /* record header: value, length */
void fl_map_init(struct fl_map *m);
void fl_map_free(struct fl_map *m);
uint64_t *fl_map_get(struct fl_map *m, const char *k, size_t n, int create);
/* the same in two steps: the hash of a key, a hint that it will be looked
 * up soon (a batch of hints lets the memory accesses overlap), the get */
uint64_t fl_map_hash(const struct fl_map *m, const char *k, size_t n);
void fl_map_hint(const struct fl_map *m, uint64_t h);
uint64_t *fl_map_geth(struct fl_map *m, const char *k, size_t n, uint64_t h, int create);
/* fl_map_next -- the record after *pos (0 at the start) in insertion order:
 * its value and key; 0 after the last */
int fl_map_next(const struct fl_map *m, size_t *pos, uint64_t **val, const char **k, size_t *n);
/* fl_map_append -- a new key, known not to be in the map, with its value;
 * fl_map_reserve makes room for records of fl_map_recsize bytes ahead */
void fl_map_append(struct fl_map *m, const char *k, size_t n, uint64_t v);
void fl_map_reserve(struct fl_map *m, size_t n);
size_t fl_map_recsize(size_t n);

/* count.c: counted tables in their order; frees the map's slots (the next
 * get rebuilds them) to make room for the sort */
void fl_map_print(struct fl_map *m, uint64_t limit);

/* out.c: buffered standard output; write errors are fatal, exit 1 */
void fl_put(const void *p, size_t n);
void fl_putc(int c);
void fl_putu(uint64_t v);
/* fl_putjoin -- a, the byte sep, b and a newline */
void fl_putjoin(const void *a, size_t an, int sep, const void *b, size_t bn);
void fl_flush(void);
void fl_finish(void);

/* rd.c: the line reader, behind lib/rd.h (inside lib/ only) */

/* each.c: the read loop of the TSV filters */
typedef void fl_linefn(const char *name, uint64_t lineno, const char *s, size_t n);
typedef void fl_donefn(void);
void fl_each(const char *name, size_t maxline, fl_linefn *fn, fl_donefn *done);
void fl_each_fd(int fd, const char *name, size_t maxline, fl_linefn *fn, fl_donefn *done);

/* fmt.c and record.c: AWS VPC flow log records (the splitting behind them
 * is lib-internal: split.c, split.h) */
#define FL_MAXF 128
#define FL_MAXSEL 64
enum { FL_SKIP, FL_HEADER, FL_FLOW, FL_NODATA, FL_MALFORMED };
enum { FL_ECOUNT = 1, FL_EPORT, FL_EPROTO, FL_ELONG, FL_EMEASURE };
struct fl_fmt {
	int nfields;
	int dstport, protocol, status;   /* field index, -1 if absent */
	int nsel;
	int sel[FL_MAXSEL];              /* -f fields as indices, after fl_fmt_select */
	const char *selname[FL_MAXSEL];
	int selkind[FL_MAXSEL];          /* 0 raw, 1 dstport, 2 protocol */
	const char *measname;            /* a field to sum instead of counting */
	int measure;                     /* its index, -1 if none */
	int quick;                       /* plain flow lines may take the fast path */
	char names[FL_MAXF][32];
};
struct fl_rec {                      /* f/fn: see fl_parse */
	int nf;
	const char *f[FL_MAXF];
	size_t fn[FL_MAXF];
	unsigned port, proto;
	int err;                         /* FL_E* for FL_MALFORMED */
	int errfield;
};
/* fmt.c: the version 2 default, header lines, field names */
void fl_fmt_default(struct fl_fmt *fmt);
int fl_fmt_header(struct fl_fmt *fmt, const char *s, size_t n, const char **why);
int fl_fmt_select(struct fl_fmt *fmt, const char **missing);
int fl_field_known(const char *name, size_t n);
/* record.c: the kind of one line, and its key */
int fl_parse(const struct fl_fmt *fmt, const char *s, size_t n, struct fl_rec *r);
int fl_parse_notab(const struct fl_fmt *fmt, const char *s, size_t n, size_t room,
    struct fl_rec *r);
size_t fl_quick_lines(const struct fl_fmt *fmt, const char *s, size_t avail, size_t lim,
    uint32_t *keys, size_t max, size_t *used);
struct fl_fbound;
size_t fl_quick_filter(const struct fl_fmt *fmt, const struct fl_fbound *fb, const int *idx,
    int nidx, const char *s, size_t avail, size_t lim, uint32_t *keys, uint16_t *at,
    size_t max, size_t *used, size_t *lines);

/* csv.c: RFC 4180 records from a buffer in memory */
#define FL_CSV_MAXF 256
struct fl_csv {
	char *p, *end;                   /* quoted fields are unescaped in place */
	uint64_t lineno;                 /* line the current record starts on */
	uint64_t nextline;
	int nf;
	const char *f[FL_CSV_MAXF];
	size_t fn[FL_CSV_MAXF];
	const char *err;                 /* why the record is bad, or NULL */
};
void fl_csv_init(struct fl_csv *c, char *buf, size_t n);
int fl_csv_next(struct fl_csv *c);
void fl_csv_putfield(const char *s, size_t n);
/* fl_csv_putfields -- TAB-separated fields as CSV fields, each quoted if it must be */
void fl_csv_putfields(const char *s, size_t n);

/* lookup.c: the dstport,protocol -> tag table, with ranges and wildcards */
struct fl_lookup {
	struct fl_row {
		uint16_t lo, hi;         /* ports, inclusive */
		uint16_t proto;          /* 0..255, or 256 for * */
		size_t off, len;         /* the tag in text */
		uint64_t line;
	} *row;
	size_t nrow, caprow;
	char *text;
	size_t ntext, captext;
	uint32_t *best[257];             /* per protocol and *: port -> row + 1 */
	uint32_t *tables;                /* the memory of them all, in one piece */
	struct fl_map keys;              /* while loading: repeated keys */
	uint64_t rows, bad, dups, problems;
	int lint;                        /* set before loading: report more */
};
int fl_lookup_load(struct fl_lookup *lk, char *buf, size_t n, const char *name);
int fl_lookup_read(struct fl_lookup *lk, const char *path);
const char *fl_lookup_get(struct fl_lookup *lk, unsigned port, unsigned proto, size_t *len);
void fl_lookup_free(struct fl_lookup *lk);

/* keycmp.c: the sort order of every counted table */
int fl_keycmp(const char *a, size_t an, const char *b, size_t bn);

/* sched.c, scan.c: flow-parse's engine. Every input of a command line is
 * cut into units (a whole gzip file or standard input, a byte range of a
 * plain file) that jobs workers take from one queue; flows are counted
 * into one tally, or printed, and messages come out, in input order with
 * whole-file line numbers, whatever the number of workers. */
struct fl_tally;
struct fl_filter;
struct fl_opts {
	int jobs;                        /* workers, >= 1 */
	int strict;                      /* the first malformed line is fatal */
	struct fl_tally *tally;          /* count here; NULL: print each flow */
	const char *measname;            /* sum this field instead of counting */
	int nsel;                        /* -f fields, by name */
	const char *selname[FL_MAXSEL];
	const char *filesfrom;           /* a list of inputs, after the names */
	int nul;                         /* its names end with NUL, not newline */
	const struct fl_filter *filter;  /* -w: records that fail it are filtered */
};
/* inputs.c: the names of a command line, a list file's (one a line, or
 * NUL-separated), directories walked (regular files, sorted, hidden ones
 * and symbolic links left out). fl_inputs_next: the next name, valid until
 * the next call, NULL at the end; *err an errno for a name that cannot be
 * read (a directory, the list), else 0. */
struct fl_inputs;
struct fl_inputs *fl_inputs_new(char *const *names, const char *listname, int nul);
const char *fl_inputs_next(struct fl_inputs *in, int *err);
void fl_inputs_free(struct fl_inputs *in);

struct fl_totals {
	uint64_t records, flows, nodata, malformed, bytes;
	uint64_t lines;                  /* read, records or not */
	uint64_t headers;                /* header lines but on a file's line 1 */
	uint64_t filtered;               /* records that failed a -w filter */
};
/* fl_run -- every input named (NULL-terminated; "-" standard input, also
 * when there is none), then those of o->filesfrom. A fatal problem prints
 * its message after those before it and exits 1. */
void fl_run(const struct fl_opts *o, char *const *names, struct fl_totals *tot);

#endif
