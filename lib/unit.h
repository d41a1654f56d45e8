/* unit.h -- the units of work of flow-parse's engine, inside lib/ only:
 * sched.c makes, hands out and commits them, scan.c reads one */
#ifndef FL_UNIT_H
#define FL_UNIT_H

#include <stdint.h>

#include "flow.h"

struct fl_pq;

/* one input file; its ranges share it */
struct fl_src {
	char *name;
	int fd;
	int nref;                        /* its units not yet committed */
	int hasfirst;                    /* first: the format of its line 1 */
	int haslast;                     /* last: the format at the end of the */
	struct fl_fmt first, last;       /* ranges committed so far */
	uint64_t lines;                  /* their lines */
	struct fl_pq *pq;                /* a Parquet file: its row groups are units */
};

/* bytes held back until the unit's turn: messages and printed flows */
struct fl_buf {
	char *p;
	size_t n, cap;
};

/* message kinds, before the text in fl_buf msg */
enum { FL_MLINE, FL_MPROTO, FL_MFILE };

struct fl_unit {
	struct fl_unit *next;            /* input order */
	struct fl_src *src;
	uint64_t start, end;             /* ranged: the byte range */
	int ranged;                      /* a range of a plain file (else whole) */
	int first;                       /* starts at the start of its file */
	int pqg;                         /* a Parquet row group: its number, else -1 */
	int done;
	int fatal;                       /* its last message ends the run */
	int direct;                      /* its turn: messages and flows go out at once */
	int restart;                     /* read it again: its start format was wrong */
	int csv;                         /* records from the file's start that are
	                                  * comma-separated lines; -1 once one is not */
	uint64_t base;                   /* when direct: lines before the range */
	struct fl_buf msg, out;
	struct fl_totals tot;
	uint64_t lines;                  /* lines read */
	unsigned char seen[32];          /* protocols looked at, a bit each */
	struct fl_fmt startfmt;          /* the format it was read under */
	struct fl_fmt *endfmt;           /* ranged: the format at its end */
	struct fl_tally *tally;          /* ranged, not first: counted apart until checked */
};

/* what a worker keeps between units */
struct fl_worker {
	struct fl_tally *tally;
	char *scratch;
	struct fl_rec rec;
};

/* sched.c, for scan.c */
extern const struct fl_opts *fl_eopts;
extern struct fl_fmt fl_ebase;       /* the -f and -m names, no format yet */
void fl_umsg(struct fl_unit *u, int kind, uint64_t line, const char *fmt, ...) FL_PRINTF(4, 5);
void fl_uproto(struct fl_unit *u, unsigned proto, uint64_t line);
void fl_uput(struct fl_unit *u, const char *s, size_t n);
void fl_uturn(struct fl_unit *u);
struct fl_tally *fl_utally(void);    /* an empty tally for a range */

/* scan.c: read the unit with fmt as the format at its start: 0, or -1 when
 * it must be read again (u->restart) */
int fl_scan(struct fl_unit *u, struct fl_worker *w, const struct fl_fmt *fmt);

#define FL_MAXLINE (1024 * 1024)

#endif
