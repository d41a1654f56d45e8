/* sched.c -- the work queue of flow-parse: the inputs of a command line cut
 * into units, taken by N workers (POSIX threads: the counts and the
 * messages of every unit meet in one address space, without pipes or
 * files between processes), and committed in input order.
 *
 * A unit is a whole file (gzip, standard input, a small plain file) or a
 * byte range of a large plain file. A worker counts a whole file, or the
 * first range of a file, into its own tally; a later range counts into a
 * tally of its own, since the format at its start is a guess (the format of
 * the file's first line) until the ranges before it are done: if one of
 * them ended under another format (a header line in the middle of the
 * file), the range is read again, then, with the right one.
 *
 * Messages and printed flows are held in the unit until its turn, that is
 * until every unit before it is committed; the unit whose turn it is writes
 * straight out. A unit that holds back too much waits for its turn, so
 * memory stays bounded whatever the input. Line numbers in a range count
 * from its start; the lines of the ranges before it are added when its
 * messages go out. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow.h"
#include "filter.h"
#include "parquet.h"
#include "tally.h"
#include "unit.h"

#define SPLITMIN (8u << 20)      /* a plain file is cut in ranges from this size */
#define HOLDMAX (4u << 20)       /* bytes a unit holds back before it waits */
#define AHEAD 4096               /* units handed out past the first uncommitted */
#define HELDMAX (64u << 20)      /* bytes held by the units done, not yet committed */
/* SPAWNAT -- worker k (from 1) starts once this many bytes times k are
 * handed out (a gzip or Parquet file weighs 4 times its size, standard
 * input and pipes this much): small inputs are read by one worker, which
 * is faster than starting others (their tables, their memory) */
#define SPAWNAT (2u << 20)

const struct fl_opts *fl_eopts;
struct fl_fmt fl_ebase;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;
static struct fl_unit *head, *tail;     /* handed out, not yet committed */
static size_t nheld;                     /* units handed out, not committed */
static size_t heldbytes;                 /* what the done ones hold back */
static int committing;
static struct fl_inputs *inputs;         /* the inputs still to open */
static struct fl_src *cur;               /* the file being cut in ranges */
static uint64_t cursize, curchunk, curat;
static int curk, curgroups;              /* Parquet: the next row group, how many */
/* FLOW_PARSE_CHUNK (for tests) sets both, to see ranges and waits on small input */
static uint64_t splitmin = SPLITMIN;
static size_t holdmax = HOLDMAX;
/* FLOW_PARSE_SPAWN (for tests): SPAWNAT; 0 starts every worker at once */
static uint64_t spawnat = SPAWNAT;
static uint64_t handed;                  /* the weight of the inputs opened */
static struct fl_worker *workers;
/* tallies of ranges, merged and emptied, kept for the next ranges: their
 * tables are in memory already (a page fault costs on a virtual machine) */
#define SPARES 8
static struct fl_tally *spare[SPARES];
static int nspare;
static pthread_t *tids;
static int started;                      /* workers running or done */
static struct fl_totals total;
static unsigned char gseen[32];          /* protocols named in a message */

/* message records in fl_buf msg: this header, then the text */
struct mhdr {
	uint64_t line;
	uint32_t len;
	uint16_t proto;
	unsigned char kind;
};

static void
bufadd(struct fl_buf *b, const void *p, size_t n)
{
	if (b->cap - b->n < n) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap - b->n < n)
			cap *= 2;
		b->p = erealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
buffree(struct fl_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

/* putmsg -- one message as its line goes out, line numbers of the whole
 * file, added to b; a protocol without a keyword only the first time in
 * the run */
static void
putmsg(struct fl_buf *b, const struct fl_unit *u, const struct mhdr *h, const char *text)
{
	char num[24];

	if (h->kind == FL_MPROTO) {
		if (gseen[h->proto / 8] >> (h->proto % 8) & 1)
			return;
		gseen[h->proto / 8] |= (unsigned char)(1u << (h->proto % 8));
	}
	bufadd(b, fl_prog, strlen(fl_prog));
	bufadd(b, ": ", 2);
	bufadd(b, u->src->name, strlen(u->src->name));
	if (h->kind != FL_MFILE)
		bufadd(b, num, (size_t)snprintf(num, sizeof(num), ":%llu",
		    (unsigned long long)(u->base + h->line)));
	bufadd(b, ": ", 2);
	bufadd(b, text, h->len);
	bufadd(b, "\n", 1);
}

/* putout -- b's text to standard error in one write, b emptied */
static void
putout(struct fl_buf *b)
{
	if (b->n)
		fwrite(b->p, 1, b->n, stderr);
	b->n = 0;
}

/* release -- what the unit held back, out now that it is its turn: the
 * messages in one write */
static void
release(struct fl_unit *u)
{
	struct fl_buf b = { NULL, 0, 0 };
	size_t at = 0;
	struct mhdr h;

	while (at < u->msg.n) {
		memcpy(&h, u->msg.p + at, sizeof(h));
		putmsg(&b, u, &h, u->msg.p + at + sizeof(h));
		at += sizeof(h) + h.len;
	}
	putout(&b);
	buffree(&b);
	buffree(&u->msg);
	if (u->out.n)
		fl_put(u->out.p, u->out.n);
	buffree(&u->out);
}

static void
addmsg(struct fl_unit *u, int kind, unsigned proto, uint64_t line, const char *text, int n)
{
	struct mhdr h;

	memset(&h, 0, sizeof(h));
	h.len = (uint32_t)(n < 0 ? 0 : (size_t)n < 1024 ? (size_t)n : 1023);
	h.line = line;
	h.kind = (unsigned char)kind;
	h.proto = (uint16_t)proto;
	if (u->direct) {
		/* nothing is held once it is the unit's turn: msg is scratch */
		putmsg(&u->msg, u, &h, text);
		putout(&u->msg);
		return;
	}
	bufadd(&u->msg, &h, sizeof(h));
	bufadd(&u->msg, text, h.len);
	if (u->msg.n > holdmax)
		fl_uturn(u);
}

void
fl_umsg(struct fl_unit *u, int kind, uint64_t line, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	addmsg(u, kind, 0, line, text, n);
}

void
fl_uproto(struct fl_unit *u, unsigned proto, uint64_t line)
{
	char text[128];
	int n = snprintf(text, sizeof(text), "warning: protocol %u has no IANA keyword, named '%u'",
	    proto, proto);

	addmsg(u, FL_MPROTO, proto, line, text, n);
}

void
fl_uput(struct fl_unit *u, const char *s, size_t n)
{
	if (u->direct) {
		fl_put(s, n);
		return;
	}
	bufadd(&u->out, s, n);
	if (u->out.n > holdmax)
		fl_uturn(u);
}

/* startfmt -- the format a unit starts under, as far as is known now */
static void
startfmt(const struct fl_unit *u, struct fl_fmt *fmt)
{
	if (u->pqg >= 0)
		*fmt = u->src->first;   /* the columns read, the same for every row group */
	else if (u->ranged && !u->first && u->src->haslast)
		*fmt = u->src->last;
	else if (u->ranged && !u->first && u->src->hasfirst)
		*fmt = u->src->first;
	else {
		*fmt = fl_ebase;
		fl_fmt_default(fmt);
	}
}

static int
samefmt(const struct fl_fmt *a, const struct fl_fmt *b)
{
	int i;

	if (a->nfields != b->nfields)
		return 0;
	for (i = 0; i < a->nfields; i++)
		if (strcmp(a->names[i], b->names[i]) != 0)
			return 0;
	return 1;
}

/* fl_utally -- an empty tally for a range: a spare one, or a new one */
struct fl_tally *
fl_utally(void)
{
	struct fl_tally *t = NULL;

	pthread_mutex_lock(&lock);
	if (nspare > 0)
		t = spare[--nspare];
	pthread_mutex_unlock(&lock);
	return t ? t : fl_tally_new();
}

/* reset -- a unit read under the wrong format: forget what it found */
static void
reset(struct fl_unit *u)
{
	buffree(&u->msg);
	buffree(&u->out);
	memset(&u->tot, 0, sizeof(u->tot));
	memset(u->seen, 0, sizeof(u->seen));
	if (u->tally)
		fl_tally_free(u->tally);
	u->tally = NULL;
	u->lines = 0;
	u->fatal = u->restart = 0;
}

/* myturn -- with the lock held, at the unit's turn: straight out from now
 * on, or 0 if it was read under the wrong format */
static int
myturn(struct fl_unit *u)
{
	if (u->ranged && !u->first && !samefmt(&u->startfmt, &u->src->last))
		return 0;
	u->base = u->ranged ? u->src->lines : 0;
	release(u);
	u->direct = 1;
	return 1;
}

/* fl_uturn -- the unit holds back too much: wait for its turn */
void
fl_uturn(struct fl_unit *u)
{
	pthread_mutex_lock(&lock);
	while (head != u)
		pthread_cond_wait(&turn, &lock);
	if (!myturn(u))
		u->restart = 1;
	pthread_mutex_unlock(&lock);
}

/* run -- read a unit, again while its start format proves wrong */
static void
run(struct fl_unit *u, struct fl_worker *w)
{
	while (fl_scan(u, w, &u->startfmt) < 0) {
		/* fl_uturn found it at its turn with the wrong format: the
		 * format at its start is known now */
		reset(u);
		u->startfmt = u->src->last;
		u->base = u->src->lines;
		u->direct = 1;
	}
}

static void
srcfree(struct fl_src *s)
{
	if (s->pq)
		fl_pq_close(s->pq);
	if (s->fd > 0)
		close(s->fd);
	free(s->name);
	free(s);
}

/* commit -- with the lock held: the units at the head that are done go out
 * in order, their counts join the run's */
static void
commit(struct fl_worker *w)
{
	struct fl_unit *u;

	if (committing)
		return;
	committing = 1;
	while ((u = head) != NULL && u->done) {
		heldbytes -= u->msg.n + u->out.n;
		if (!u->direct && !myturn(u)) {
			/* read again under the format now known, straight out */
			reset(u);
			u->startfmt = u->src->last;
			u->base = u->src->lines;
			u->direct = 1;
			pthread_mutex_unlock(&lock);
			fl_scan(u, w, &u->startfmt);
			pthread_mutex_lock(&lock);
		}
		if (u->fatal) {
			fl_flush();
			fflush(stderr);
			exit(1);
		}
		total.records += u->tot.records;
		total.flows += u->tot.flows;
		total.nodata += u->tot.nodata;
		total.malformed += u->tot.malformed;
		total.bytes += u->tot.bytes;
		total.lines += u->tot.lines;
		total.headers += u->tot.headers;
		total.filtered += u->tot.filtered;
		if (u->tally) {
			if (fl_tally_merge(fl_eopts->tally, u->tally) < 0) {
				fl_flush();
				fl_die(1, "%s: sum overflows 64 bits", u->src->name);
			}
			if (nspare < SPARES)
				spare[nspare++] = u->tally;  /* emptied, its tables kept */
			else
				fl_tally_free(u->tally);
		}
		if (u->ranged && u->endfmt) {
			u->src->last = *u->endfmt;
			u->src->haslast = 1;
			u->src->lines += u->lines;
		}
		free(u->endfmt);
		buffree(&u->msg);
		if (--u->src->nref == 0)
			srcfree(u->src);
		head = u->next;
		if (!head)
			tail = NULL;
		nheld--;
		free(u);
		pthread_cond_broadcast(&turn);
	}
	committing = 0;
}

/* firstline -- the format of a file's first line, if it is a header */
static void
firstline(struct fl_src *s)
{
	static char buf[65536];     /* with the lock held */
	struct fl_rec *rec = emalloc(sizeof(*rec));
	const char *why;
	ssize_t n = pread(s->fd, buf, sizeof(buf), 0);
	char *nl;

	s->first = fl_ebase;
	fl_fmt_default(&s->first);
	if (n > 0 && (nl = memchr(buf, '\n', (size_t)n)) != NULL) {
		size_t len = (size_t)(nl - buf);
		if (len && buf[len - 1] == '\r')
			len--;
		if (fl_parse(&s->first, buf, len, rec) == FL_HEADER &&
		    fl_fmt_header(&s->first, buf, len, &why) == 0)
			s->hasfirst = 1;
	}
	free(rec);
}

static struct fl_unit *
newunit(struct fl_src *s)
{
	struct fl_unit *u = ecalloc(1, sizeof(*u));

	u->src = s;
	u->pqg = -1;
	s->nref++;
	if (tail)
		tail->next = u;
	else
		head = u;
	tail = u;
	nheld++;
	return u;
}

/* pqunit -- a Parquet file: its footer read, its row groups the units,
 * each read as text lines under a header naming the columns read */
static struct fl_unit *
pqunit(struct fl_unit *u, struct fl_src *s, uint64_t size)
{
	const char *want[2 * FL_MAXSEL + 8], *why, *hdr;
	const char *const *wf;
	int n = 0, i, nf = fl_filter_fields(fl_eopts->filter, &wf);

	want[n++] = "dstport";
	want[n++] = "protocol";
	want[n++] = "log-status";
	for (i = 0; i < fl_ebase.nsel; i++)
		want[n++] = fl_ebase.selname[i];
	if (fl_ebase.measname)
		want[n++] = fl_ebase.measname;
	for (i = 0; i < nf && n < 2 * FL_MAXSEL + 7; i++)
		want[n++] = wf[i];
	want[n] = NULL;
	if ((s->pq = fl_pq_open(s->fd, size, want, &why)) == NULL) {
		fl_umsg(u, FL_MFILE, 0, "%s", why);
		u->fatal = 1;
		return u;
	}
	hdr = fl_pq_header(s->pq);
	s->first = fl_ebase;
	fl_fmt_default(&s->first);
	if (fl_fmt_header(&s->first, hdr, strlen(hdr), &why) < 0) {
		fl_umsg(u, FL_MFILE, 0, "Parquet: %s", why);
		u->fatal = 1;
		return u;
	}
	s->hasfirst = 1;
	u->ranged = 1;
	u->pqg = 0;
	if ((curgroups = fl_pq_groups(s->pq)) > 1) {
		cur = s;
		s->nref++;              /* until its last row group is handed out */
		curk = 1;
	}
	return u;
}

/* openunit -- the next input opened and looked at: its first unit */
static struct fl_src *
newsrc(const char *name)
{
	struct fl_src *s = ecalloc(1, sizeof(*s));

	s->name = estrdup(name);
	return s;
}

static struct fl_unit *
openunit(const char *name)
{
	struct fl_src *s = newsrc(name);
	struct fl_unit *u;
	struct stat st;
	unsigned char magic[4];
	ssize_t got;
	int e;

	u = newunit(s);
	u->first = 1;
	if (strcmp(name, "-") == 0) {
		handed += spawnat;      /* fd 0: its size is not known */
		return u;
	}
	if ((s->fd = open(name, O_RDONLY)) < 0 || fstat(s->fd, &st) < 0) {
		e = errno;
		fl_umsg(u, FL_MFILE, 0, "%s", strerror(e));
		u->fatal = 1;           /* nothing to read: its message goes out in turn */
		return u;
	}
	if (S_ISDIR(st.st_mode)) {
		fl_umsg(u, FL_MFILE, 0, "%s", strerror(EISDIR));
		u->fatal = 1;           /* nothing to read: its message goes out in turn */
		return u;
	}
	if (!S_ISREG(st.st_mode)) {
		handed += spawnat;
		return u;
	}
	got = pread(s->fd, magic, 4, 0);
	if (got == 4 && memcmp(magic, "PAR1", 4) == 0) {
		handed += 4 * (uint64_t)st.st_size;
		return pqunit(u, s, (uint64_t)st.st_size);
	}
	if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		handed += 4 * (uint64_t)st.st_size;
		return u;
	}
	handed += (uint64_t)st.st_size;
	if (fl_eopts->jobs < 2 || (uint64_t)st.st_size < splitmin)
		return u;
	/* a large plain file: ranges of a quarter of a worker's share, the
	 * first one now, the others as workers ask */
	cur = s;
	s->nref++;                  /* until its last range is made */
	cursize = (uint64_t)st.st_size;
	curchunk = cursize / (4 * (uint64_t)fl_eopts->jobs);
	if (curchunk < splitmin / 2)
		curchunk = splitmin / 2;
	if (curchunk == 0)
		curchunk = 1;
	firstline(s);
	u->ranged = 1;
	u->start = 0;
	u->end = curat = curchunk;
	curk = 1;
	return u;
}

/* next -- with the lock held: the next unit of work, or NULL */
static struct fl_unit *
next(void)
{
	struct fl_unit *u;
	const char *name;
	int err;

	if (cur && cur->pq) {
		u = newunit(cur);
		u->ranged = 1;
		u->pqg = curk++;
		if (curk == curgroups) {
			cur->nref--;
			cur = NULL;
		}
		return u;
	}
	if (cur) {
		u = newunit(cur);
		u->ranged = 1;
		u->start = curat;
		u->end = cursize - curat <= curchunk + curchunk / 2 ? UINT64_MAX : curat + curchunk;
		curat = u->end;
		if (u->end == UINT64_MAX) {
			cur->nref--;
			cur = NULL;
		}
		curk++;
		return u;
	}
	if ((name = fl_inputs_next(inputs, &err)) == NULL)
		return NULL;
	if (err) {
		u = newunit(newsrc(name));
		u->first = 1;
		fl_umsg(u, FL_MFILE, 0, "%s", strerror(err));
		u->fatal = 1;
		return u;
	}
	return openunit(name);
}

static void *work(void *arg);

/* setup -- worker i's scratch line and tally */
static void
setup(int i)
{
	workers[i].scratch = emalloc(FL_MAXLINE + 64 * FL_MAXSEL);
	if (fl_eopts->tally)
		workers[i].tally = fl_tally_new();
}

/* spawn -- with the lock held: the workers the inputs opened so far call for */
static void
spawn(void)
{
	int err;

	while (started < fl_eopts->jobs && handed >= (uint64_t)started * spawnat) {
		setup(started);
		if ((err = pthread_create(&tids[started], NULL, work, &workers[started])) != 0) {
			errno = err;
			fl_die(1, "cannot start a worker:");
		}
		started++;
	}
}

static void *
work(void *arg)
{
	struct fl_worker *w = arg;
	struct fl_unit *u;

	pthread_mutex_lock(&lock);
	for (;;) {
		while (nheld > AHEAD || heldbytes > HELDMAX)
			pthread_cond_wait(&turn, &lock);
		if ((u = next()) == NULL)
			break;
		spawn();
		startfmt(u, &u->startfmt);
		if (u == head && !u->fatal) {
			u->base = u->ranged ? u->src->lines : 0;
			u->direct = 1;
		}
		pthread_mutex_unlock(&lock);
		if (!u->fatal)
			run(u, w);
		pthread_mutex_lock(&lock);
		u->done = 1;
		heldbytes += u->msg.n + u->out.n;
		commit(w);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void
fl_run(const struct fl_opts *o, char *const *names, struct fl_totals *tot)
{
	static char *const stdinonly[] = { "-", NULL };
	struct fl_worker *w = workers = ecalloc((size_t)o->jobs, sizeof(*w));
	pthread_t *tid = tids = ecalloc((size_t)o->jobs, sizeof(*tid));
	const char *chunk = getenv("FLOW_PARSE_CHUNK"), *sp = getenv("FLOW_PARSE_SPAWN");
	uint64_t v;
	int i, nw;
	size_t n;

	fl_eopts = o;
	if (chunk && fl_udec(chunk, strlen(chunk), UINT64_MAX / 4, &v) == 0 && v > 0) {
		splitmin = v;
		holdmax = v < HOLDMAX ? (size_t)v : HOLDMAX;
	}
	if (sp && fl_udec(sp, strlen(sp), UINT64_MAX / 4096, &v) == 0)
		spawnat = v;
	fl_ebase.nsel = o->nsel;
	for (i = 0; i < o->nsel; i++)
		fl_ebase.selname[i] = o->selname[i];
	fl_ebase.measname = o->measname;
	inputs = fl_inputs_new(names[0] || o->filesfrom ? names : stdinonly, o->filesfrom, o->nul);
	fl_proto_name(0, &n);       /* its tables made before the threads share them */
	setup(0);
	started = 1;
	work(&w[0]);
	/* no worker starts another once the inputs are all handed out */
	pthread_mutex_lock(&lock);
	nw = started;
	pthread_mutex_unlock(&lock);
	for (i = 1; i < nw; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < nw; i++) {
		if (o->tally && fl_tally_merge(o->tally, w[i].tally) < 0)
			fl_die(1, "sum overflows 64 bits");
		if (o->tally)
			fl_tally_free(w[i].tally);
		free(w[i].scratch);
	}
	while (nspare > 0)
		fl_tally_free(spare[--nspare]);
	free(w);
	free(tid);
	fl_inputs_free(inputs);
	*tot = total;
}
