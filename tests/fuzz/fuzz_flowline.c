/* fuzz_flowline -- fl_parse (and fl_parse_notab on lines without a tab)
 * on every line of the input, and fl_quick_lines over it: once with the
 * version 2 default format, once with the first line read as a header
 * (fl_fmt_header) and a few -f selections (fl_fmt_select). Each result is
 * compared with a reference written plainly from the SPEC (the leading
 * timestamp, the header rule with its list of AWS field names, the
 * record rules), and the invariants a caller relies on are checked:
 * fields inside the line, no blank inside a field, the key in range, the
 * error field in range. fl_field_known is compared with the list on every
 * field of the first line. fl_quick_filter takes the lines fl_quick_lines
 * takes, and keeps those for which fl_filter_test passes on the
 * reference's split of the line (filter.c has a harness of its own). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "filter.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static int
isblank_(int c)
{
	return c == ' ' || c == '\t';
}

/* ieq -- s (n bytes, any case) equals the lowercase word w */
static int
ieq(const char *w, const char *s, size_t n)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != w[i])
			return 0;
	}
	return 1;
}

/* the AWS flow log field names of versions 2 to 8, as the VPC guide lists
 * them */
static const char *const awsnames[] = {
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport",
	"dstport", "protocol", "packets", "bytes", "start", "end", "action",
	"log-status", "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type",
	"pkt-srcaddr", "pkt-dstaddr", "region", "az-id", "sublocation-type",
	"sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service",
	"flow-direction", "traffic-path", "ecs-cluster-arn", "ecs-cluster-name",
	"ecs-container-instance-arn", "ecs-container-instance-id",
	"ecs-container-id", "ecs-second-container-id", "ecs-service-name",
	"ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
	"reject-reason", "resource-id", "encryption-status",
};

static int
refknown(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(awsnames) / sizeof(awsnames[0]); i++)
		if (ieq(awsnames[i], s, n))
			return 1;
	return 0;
}

/* refname -- a header field: ${name} is name, anything else as written */
static int
refname(const char *w, const char *s, size_t n)
{
	if (n >= 3 && s[0] == '$' && s[1] == '{' && s[n - 1] == '}')
		return w ? ieq(w, s + 2, n - 3) : refknown(s + 2, n - 3);
	return w ? ieq(w, s, n) : refknown(s, n);
}

/* num2 -- the number of the two bytes at s, digits by the pattern */
static int
num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* refstamp -- s (n bytes) is an RFC 3339 date-time (section 5.6):
 * full-date "T" partial-time [secfrac] offset, T and Z in either case */
static int
refstamp(const char *s, size_t n)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;
	int y, mon, day, dim, leap;

	if (n < 20)
		return 0;
	for (i = 0; i < 19; i++) {
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    pat[i] == 'T' ? !(s[i] == 'T' || s[i] == 't') : s[i] != pat[i])
			return 0;
	}
	y = num2(s) * 100 + num2(s + 2);
	mon = num2(s + 5);
	day = num2(s + 8);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	switch (mon) {
	case 2:
		dim = leap ? 29 : 28;
		break;
	case 4: case 6: case 9: case 11:
		dim = 30;
		break;
	default:
		dim = 31;
		break;
	}
	if (mon < 1 || mon > 12 || day < 1 || day > dim || num2(s + 11) > 23 ||
	    num2(s + 14) > 59 || num2(s + 17) > 60)
		return 0;
	i = 19;
	if (s[i] == '.') {
		size_t d = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	if (n - i == 1)
		return s[i] == 'Z' || s[i] == 'z';
	if (n - i == 6 && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
		const char *o = s + i + 1;
		return o[0] >= '0' && o[0] <= '9' && o[1] >= '0' && o[1] <= '9' &&
		    o[3] >= '0' && o[3] <= '9' && o[4] >= '0' && o[4] <= '9' &&
		    num2(o) <= 23 && num2(o + 3) <= 59;
	}
	return 0;
}

/* fields -- the reference splitter: the field count, and where the first
 * FL_MAXF fields start and how long they are; a first field that is a
 * timestamp is not a field of the record */
static int
fields(const char *s, size_t n, size_t *start, size_t *len)
{
	size_t i = 0, e;
	int k = 0;

	while (i < n && isblank_(s[i]))
		i++;
	for (e = i; e < n && !isblank_(s[e]); e++)
		;
	if (refstamp(s + i, e - i))
		i = e;
	for (; i < n; i++) {
		if (isblank_(s[i]))
			continue;
		if (i == 0 || isblank_(s[i - 1])) {
			if (k < FL_MAXF) {
				start[k] = i;
				len[k] = 0;
			}
			k++;
		}
		if (k <= FL_MAXF)
			len[k - 1]++;
	}
	return k;
}

/* allnames -- every field of the record (after any timestamp) is an AWS
 * field name, plain or ${name} */
static int
allnames(const char *s, size_t n, size_t from)
{
	size_t i = from;

	while (i < n) {
		size_t b;
		if (isblank_(s[i])) {
			i++;
			continue;
		}
		for (b = i; i < n && !isblank_(s[i]); i++)
			;
		if (!refname(NULL, s + b, i - b))
			return 0;
	}
	return 1;
}

/* refkind -- the SPEC's rules, written plainly */
static int
refkind(const struct fl_fmt *fmt, const char *s, size_t n, int k, const size_t *start,
    const size_t *len, int *err, unsigned *port, unsigned *proto)
{
	uint64_t v;
	int d = fmt->dstport, p = fmt->protocol, st = fmt->status;

	if (k == 0 || s[start[0]] == '#')
		return FL_SKIP;
	if (refname("version", s + start[0], len[0]) || allnames(s, n, start[0]))
		return FL_HEADER;
	if (k != fmt->nfields) {
		*err = FL_ECOUNT;
		return FL_MALFORMED;
	}
	if (st >= 0 && (ieq("nodata", s + start[st], len[st]) ||
	    ieq("skipdata", s + start[st], len[st])))
		return FL_NODATA;
	if ((len[d] == 1 && s[start[d]] == '-') || (len[p] == 1 && s[start[p]] == '-'))
		return FL_NODATA;
	if (fl_udec(s + start[d], len[d], 65535, &v) < 0) {
		*err = FL_EPORT;
		return FL_MALFORMED;
	}
	*port = (unsigned)v;
	if (fl_udec(s + start[p], len[p], 255, &v) < 0) {
		*err = FL_EPROTO;
		return FL_MALFORMED;
	}
	*proto = (unsigned)v;
	return FL_FLOW;
}

/* same -- field i of r is where the reference put it */
static void
same(const struct fl_rec *r, int i, const char *s, const size_t *start, const size_t *len)
{
	CHECK(i >= 0 && i < FL_MAXF);
	CHECK(r->f[i] == s + start[i]);
	CHECK(r->fn[i] == len[i]);
}

static void
check(const struct fl_fmt *fmt, const char *s, size_t n, int notab, size_t room)
{
	static struct fl_rec r;
	static size_t start[FL_MAXF], len[FL_MAXF];
	int k, i, kind, want, err = 0;
	unsigned port = 0, proto = 0;

	memset(&r, 0xa5, sizeof(r));
	kind = notab ? fl_parse_notab(fmt, s, n, room, &r) : fl_parse(fmt, s, n, &r);
	k = fields(s, n, start, len);
	CHECK(r.nf == k);
	want = refkind(fmt, s, n, k, start, len, &err, &port, &proto);
	CHECK(kind == want);
	switch (kind) {
	case FL_FLOW:
		CHECK(r.port == port && r.proto == proto);
		for (i = 0; i < fmt->nsel; i++) {
			CHECK(fmt->sel[i] >= 0 && fmt->sel[i] < r.nf);
			same(&r, fmt->sel[i], s, start, len);
		}
		{
			size_t nl;
			const char *name = fl_proto_name(r.proto, &nl);
			CHECK(nl > 0 && nl < 32 && fl_proto_parse(name, nl) == (int)r.proto);
		}
		/* fall through: the key and status fields are set for these too */
	case FL_NODATA:
	case FL_MALFORMED:
		if (kind == FL_MALFORMED) {
			CHECK(r.err == err);
			if (err == FL_ECOUNT)
				break;
			CHECK(r.errfield == (err == FL_EPORT ? fmt->dstport : fmt->protocol));
			(void)fl_quote(r.f[r.errfield], r.fn[r.errfield]);
		}
		same(&r, fmt->dstport, s, start, len);
		same(&r, fmt->protocol, s, start, len);
		if (fmt->status >= 0)
			same(&r, fmt->status, s, start, len);
		break;
	default:
		break;
	}
}

/* each -- call check on every line, as the reader would hand it out */
static void
each(const struct fl_fmt *fmt, const char *s, size_t n)
{
	const char *end = s + n;

	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n;
		size_t ln = len;
		if (ln && s[ln - 1] == '\r')
			ln--;
		{
			/* each line in a buffer of its own: ASan sees a read past its end */
			char *own = malloc(ln ? ln : 1);
			memcpy(own, s, ln);
			check(fmt, own, ln, 0, ln);
			/* what flow-parse calls for a line the reader saw no tab
			 * in: alone, and in place with the rest of the input after
			 * it (a short line then takes quickshort) */
			if (!memchr(own, '\t', ln)) {
				check(fmt, own, ln, 1, ln);
				check(fmt, s, ln, 1, (size_t)(end - s));
			}
			free(own);
		}
		if (!nl)
			break;
		s = nl + 1;
		n -= len + 1;
	}
}

/* filters over fields near either end of a record and in its middle */
static const char *const exprs[] = {
	"action=REJECT", "srcaddr!=10.0.0.0/8", "dstport<60000", "log-status=ok,nodata",
	"account-id!=1", "bytes>=3",
};

/* quickw -- fl_quick_filter over the lines fl_quick_lines took (k of
 * them, used bytes from s, avail before a tab): the same lines, and the
 * keys of those that pass by the reference's fields */
static void
quickw(const struct fl_fmt *fmt, const char *s, size_t avail, size_t lim, size_t k, size_t used)
{
	static struct fl_filter *flt;
	static size_t start[FL_MAXF], len[FL_MAXF];
	struct fl_fbound *fb;
	struct fl_rec r;
	const char *why, *m = NULL;
	uint32_t keys[8];
	uint16_t at[8];
	size_t i, j, u2, lines, k2, pos = 0;
	int idx[16], nidx, f;

	if (!flt)
		for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++)
			CHECK(fl_filter_add(&flt, exprs[i], &why) == 0);
	if ((fb = fl_filter_bind(flt, fmt, &m)) == NULL) {
		CHECK(m != NULL);
		return;
	}
	CHECK((nidx = fl_filter_idx(fb, idx, 16)) > 0);
	k2 = fl_quick_filter(fmt, fb, idx, nidx, s, avail, lim, keys, at, 8, &u2, &lines);
	CHECK(lines == k && u2 == used && k2 <= k);
	for (i = 0, j = 0; i < k; i++) {
		const char *nl = memchr(s + pos, '\n', used - pos);
		size_t ln = (size_t)(nl - (s + pos));
		int err = 0;
		unsigned port = 0, proto = 0;
		r.nf = fields(s + pos, ln, start, len);
		for (f = 0; f < r.nf && f < FL_MAXF; f++) {
			r.f[f] = s + pos + start[f];
			r.fn[f] = len[f];
		}
		CHECK(refkind(fmt, s + pos, ln, r.nf, start, len, &err, &port, &proto) == FL_FLOW);
		if (fl_filter_test(fb, &r)) {
			CHECK(j < k2 && at[j] == i && keys[j] == (proto << 16 | port));
			j++;
		}
		pos += ln + 1;
	}
	CHECK(j == k2);
	fl_filter_unbind(fb);
}

/* batch -- fl_quick_lines over the buffer, as flow-parse -c calls it: each
 * line it takes must be a flow by the reference with the same key, and it
 * must stop before a tab and at a line the fast path cannot decide */
static void
batch(const struct fl_fmt *fmt, const char *s, size_t n)
{
	static size_t start[FL_MAXF], len[FL_MAXF];
	size_t pos = 0;

	while (pos < n) {
		const char *tab = memchr(s + pos, '\t', n - pos), *nl;
		size_t avail = tab ? (size_t)(tab - (s + pos)) : n - pos;
		size_t used, k, i, at = pos;
		uint32_t keys[8];

		k = fl_quick_lines(fmt, s + pos, avail, n - pos, keys, 8, &used);
		CHECK(k <= 8 && used <= avail);
		quickw(fmt, s + pos, avail, n - pos, k, used);
		for (i = 0; i < k; i++) {
			int err = 0;
			unsigned port = 0, proto = 0;
			size_t ln;
			nl = memchr(s + at, '\n', n - at);
			CHECK(nl != NULL);
			ln = (size_t)(nl - (s + at));
			CHECK(ln > 0 && s[at + ln - 1] != '\r');
			CHECK(refkind(fmt, s + at, ln, fields(s + at, ln, start, len), start, len,
			    &err, &port, &proto) == FL_FLOW);
			CHECK(keys[i] == (proto << 16 | port));
			at += ln + 1;
		}
		CHECK(at == pos + used);
		if (k > 0) {
			pos += used;
			continue;
		}
		if ((nl = memchr(s + pos, '\n', n - pos)) == NULL)
			break;
		pos = (size_t)(nl - s) + 1;
	}
}

static const char *const sels[][5] = {
	{ "dstport", "protocol", "bytes", "action", NULL },
	{ "srcaddr", "dstaddr", NULL },
	{ "protocol", "log-status", "vpc-id", "tcp-flags", NULL },
	{ "dstport", NULL },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a private copy: the harness must not read past the end */
	char *buf = malloc(size ? size : 1);
	struct fl_fmt fmt, hdr;
	const char *why, *missing, *nl;
	size_t i, hn;

	memcpy(buf, data, size);
	memset(&fmt, 0, sizeof(fmt));
	fl_fmt_default(&fmt);
	each(&fmt, buf, size);
	batch(&fmt, buf, size);

	nl = memchr(buf, '\n', size);
	hn = nl ? (size_t)(nl - buf) : size;
	/* fl_field_known on each field of the first line, as it is */
	for (i = 0; i < hn; i++) {
		size_t b = i;
		while (i < hn && !isblank_(buf[i]))
			i++;
		if (i > b)
			CHECK(fl_field_known(buf + b, i - b) == refknown(buf + b, i - b));
	}
	memset(&hdr, 0, sizeof(hdr));
	fl_fmt_default(&hdr);
	if (fl_fmt_header(&hdr, buf, hn, &why) == 0) {
		CHECK(hdr.nfields > 0 && hdr.nfields <= FL_MAXF);
		CHECK(hdr.dstport >= 0 && hdr.dstport < hdr.nfields);
		CHECK(hdr.protocol >= 0 && hdr.protocol < hdr.nfields);
		CHECK(hdr.status < hdr.nfields);
		for (i = 0; i < (size_t)hdr.nfields; i++)
			CHECK(strlen(hdr.names[i]) < sizeof(hdr.names[i]));
		hdr.nsel = 0;
		each(&hdr, nl ? nl + 1 : buf + size, nl ? size - hn - 1 : 0);
		batch(&hdr, nl ? nl + 1 : buf + size, nl ? size - hn - 1 : 0);
		for (i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
			struct fl_fmt f = hdr;
			int j;
			f.nsel = 0;
			for (j = 0; sels[i][j]; j++)
				f.selname[f.nsel++] = sels[i][j];
			if (fl_fmt_select(&f, &missing) == 0)
				each(&f, nl ? nl + 1 : buf + size, nl ? size - hn - 1 : 0);
			else
				CHECK(missing != NULL);
		}
	} else {
		CHECK(why != NULL);
	}
	free(buf);
	return 0;
}
