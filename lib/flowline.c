/* flowline.c -- one line of an AWS VPC flow log: header, comment, flow,
 * NODATA or malformed record */
#include <string.h>

#include "flow.h"

/* the version 2 default format */
static const char *const v2[] = {
	"version", "account-id", "interface-id", "srcaddr", "dstaddr",
	"srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
	"action", "log-status",
};

/* every field name AWS documents for flow log records (versions 2 to 8) */
static const char *const known[] = {
	"version", "account-id", "interface-id", "srcaddr", "dstaddr",
	"srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
	"action", "log-status", "vpc-id", "subnet-id", "instance-id",
	"tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "az-id",
	"sublocation-type", "sublocation-id", "pkt-src-aws-service",
	"pkt-dst-aws-service", "flow-direction", "traffic-path",
	"ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
	"ecs-container-instance-id", "ecs-container-id",
	"ecs-second-container-id", "ecs-service-name",
	"ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
	"reject-reason", "resource-id", "encryption-status",
};

static int
lower(int c)
{
	return (unsigned)c - 'A' < 26 ? c + 32 : c;
}

/* nameeq -- s (n bytes, any case) equals the lowercase name */
static int
nameeq(const char *name, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (name[i] == '\0' || name[i] != lower((unsigned char)s[i]))
			return 0;
	return name[n] == '\0';
}

/* unwrap -- ${name} to name */
static void
unwrap(const char **s, size_t *n)
{
	if (*n >= 3 && (*s)[0] == '$' && (*s)[1] == '{' && (*s)[*n - 1] == '}') {
		*s += 2;
		*n -= 3;
	}
}

int
fl_field_known(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (nameeq(known[i], name, n))
			return 1;
	return 0;
}

/* setwant -- the fields fl_parse must locate: the first (comments, headers),
 * the key, the status and the -f selection, ascending, each once */
static void
setwant(struct fl_fmt *fmt)
{
	unsigned char on[FL_MAXF];
	int i;

	memset(on, 0, sizeof(on));
	on[0] = 1;
	if (fmt->dstport >= 0)
		on[fmt->dstport] = 1;
	if (fmt->protocol >= 0)
		on[fmt->protocol] = 1;
	if (fmt->status >= 0)
		on[fmt->status] = 1;
	for (i = 0; i < fmt->nsel; i++)
		if (fmt->sel[i] >= 0 && fmt->sel[i] < FL_MAXF)
			on[fmt->sel[i]] = 1;
	fmt->nwant = 0;
	for (i = 0; i < FL_MAXF; i++)
		if (on[i])
			fmt->want[fmt->nwant++] = i;
}

static void
setroles(struct fl_fmt *fmt)
{
	int i;

	fmt->dstport = fmt->protocol = fmt->status = -1;
	for (i = 0; i < fmt->nfields; i++) {
		if (fmt->dstport < 0 && strcmp(fmt->names[i], "dstport") == 0)
			fmt->dstport = i;
		else if (fmt->protocol < 0 && strcmp(fmt->names[i], "protocol") == 0)
			fmt->protocol = i;
		else if (fmt->status < 0 && strcmp(fmt->names[i], "log-status") == 0)
			fmt->status = i;
	}
	for (i = 0; i < fmt->nsel; i++)
		fmt->sel[i] = -1;
	setwant(fmt);
}

void
fl_fmt_default(struct fl_fmt *fmt)
{
	int i;

	fmt->nfields = (int)(sizeof(v2) / sizeof(v2[0]));
	for (i = 0; i < fmt->nfields; i++) {
		strcpy(fmt->names[i], v2[i]);
	}
	setroles(fmt);
}

/* zeros -- 0x80 in each byte of v that is zero, exactly (no borrow) */
static uint64_t
zeros(uint64_t v)
{
	const uint64_t l7 = 0x7f7f7f7f7f7f7f7fULL;

	return ~(((v & l7) + l7) | v | l7);
}

static int
littleendian(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 1;
}

/* splitbytes -- the plain byte loop, for big-endian machines */
static int
splitbytes(const char *s, size_t n, struct fl_rec *r)
{
	const char *p = s, *e = s + n;
	int k = 0;

	for (;;) {
		const char *b;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p == e)
			break;
		b = p;
		while (p < e && *p != ' ' && *p != '\t')
			p++;
		if (k < FL_MAXF) {
			r->f[k] = b;
			r->fn[k] = (size_t)(p - b);
		}
		k++;
	}
	r->nf = k;
	return k;
}

/* split -- count the fields (runs of non-blanks) and locate the ones fmt
 * wants. Eight bytes at a time: a byte starts a field when it is not blank
 * and the byte before it is; the starts in a word are counted with one
 * multiply, and only a word holding a wanted field is looked into. */
static int
split(const struct fl_fmt *fmt, const char *s, size_t n, struct fl_rec *r)
{
	static int le = -1;
	const uint64_t hi = 0x8080808080808080ULL;
	const uint64_t spaces = 0x2020202020202020ULL, tabs = 0x0909090909090909ULL;
	uint64_t prev = 0x80;           /* the line starts after a blank */
	int k = 0, wi = 0, next, j;
	size_t i;

	if (le < 0)
		le = littleendian();
	if (!le)
		return splitbytes(s, n, r);
	next = fmt->nwant ? fmt->want[0] : FL_MAXF;
	for (i = 0; i < n; i += 8) {
		uint64_t w = 0, b, st;
		int c;
		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			b = zeros(w ^ spaces) | zeros(w ^ tabs);
		} else {
			memcpy(&w, s + i, n - i);
			b = zeros(w ^ spaces) | zeros(w ^ tabs);
			b |= hi << (8 * (n - i));   /* past the end counts as blank */
		}
		st = ~b & hi & ((b << 8) | prev);
		prev = b >> 56;
		if (!st)
			continue;
		c = (int)(((st >> 7) * 0x0101010101010101ULL) >> 56);
		if (k + c > next) {
			int kk = k;
			for (; st && next < FL_MAXF; st &= st - 1, kk++) {
				uint64_t low = st & (~st + 1);
				if (kk != next)
					continue;
				r->f[kk] = s + i + (size_t)(((low >> 7) * 0x0001020304050607ULL) >> 56);
				next = ++wi < fmt->nwant ? fmt->want[wi] : FL_MAXF;
			}
		}
		k += c;
	}
	r->nf = k;
	for (j = 0; j < wi; j++) {
		const char *f = r->f[fmt->want[j]], *e = f;
		while (e < s + n && *e != ' ' && *e != '\t')
			e++;
		r->fn[fmt->want[j]] = (size_t)(e - f);
	}
	return k;
}

/* fl_fmt_header -- read a header line into fmt; 0, or -1 with a reason */
int
fl_fmt_header(struct fl_fmt *fmt, const char *s, size_t n, const char **why)
{
	static struct fl_rec r;
	int i, k = splitbytes(s, n, &r);

	if (k > FL_MAXF) {
		*why = "header has too many fields";
		return -1;
	}
	for (i = 0; i < k; i++) {
		const char *f = r.f[i];
		size_t fn = r.fn[i], j;
		unwrap(&f, &fn);
		if (fn >= sizeof(fmt->names[i]))
			fn = sizeof(fmt->names[i]) - 1;
		for (j = 0; j < fn; j++)
			fmt->names[i][j] = (char)lower((unsigned char)f[j]);
		fmt->names[i][fn] = '\0';
	}
	fmt->nfields = k;
	setroles(fmt);
	if (fmt->dstport < 0) {
		*why = "header has no 'dstport' field";
		return -1;
	}
	if (fmt->protocol < 0) {
		*why = "header has no 'protocol' field";
		return -1;
	}
	return 0;
}

/* fl_fmt_select -- map the -f names to this format's fields; -1 names the missing one */
int
fl_fmt_select(struct fl_fmt *fmt, const char **missing)
{
	int i, j;

	for (i = 0; i < fmt->nsel; i++) {
		for (j = 0; j < fmt->nfields; j++)
			if (strcmp(fmt->names[j], fmt->selname[i]) == 0)
				break;
		if (j == fmt->nfields) {
			*missing = fmt->selname[i];
			return -1;
		}
		fmt->sel[i] = j;
		fmt->selkind[i] = j == fmt->dstport ? 1 : j == fmt->protocol ? 2 : 0;
	}
	setwant(fmt);
	return 0;
}

static int
isdash(const char *s, size_t n)
{
	return n == 1 && s[0] == '-';
}

/* fl_parse -- classify one line (without its newline) and take its key */
int
fl_parse(const struct fl_fmt *fmt, const char *s, size_t n, struct fl_rec *r)
{
	uint64_t v;
	int k = split(fmt, s, n, r);

	if (k == 0 || r->f[0][0] == '#')
		return FL_SKIP;
	{
		const char *f = r->f[0];
		size_t fn = r->fn[0];
		unwrap(&f, &fn);
		if (nameeq("version", f, fn))
			return FL_HEADER;
	}
	if (k != fmt->nfields) {
		r->err = FL_ECOUNT;
		return FL_MALFORMED;
	}
	if (fmt->status >= 0) {
		const char *st = r->f[fmt->status];
		size_t sn = r->fn[fmt->status];
		if (nameeq("nodata", st, sn) || nameeq("skipdata", st, sn))
			return FL_NODATA;
	}
	if (isdash(r->f[fmt->dstport], r->fn[fmt->dstport]) ||
	    isdash(r->f[fmt->protocol], r->fn[fmt->protocol]))
		return FL_NODATA;
	if (fl_udec(r->f[fmt->dstport], r->fn[fmt->dstport], 65535, &v) < 0) {
		r->err = FL_EPORT;
		r->errfield = fmt->dstport;
		return FL_MALFORMED;
	}
	r->port = (unsigned)v;
	if (fl_udec(r->f[fmt->protocol], r->fn[fmt->protocol], 255, &v) < 0) {
		r->err = FL_EPROTO;
		r->errfield = fmt->protocol;
		return FL_MALFORMED;
	}
	r->proto = (unsigned)v;
	return FL_FLOW;
}
