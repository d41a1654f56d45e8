/* fmt.c -- the formats of AWS VPC flow logs: the version 2 default, header
 * lines, field names */
#include <string.h>

#include "flow.h"
#include "split.h"

/* the version 2 default format */
static const char *const v2[] = {
	"version", "account-id", "interface-id", "srcaddr", "dstaddr",
	"srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
	"action", "log-status",
};

/* every field name AWS documents for flow log records (versions 2 to 8),
 * by length, then in byte order: the order of fl_field_known's search */
#define N(s) { sizeof(s) - 1, s }
static const struct name {
	unsigned char len;
	char s[27];
} known[] = {
	N("end"),
	N("type"),
	N("az-id"), N("bytes"), N("start"),
	N("action"), N("region"), N("vpc-id"),
	N("dstaddr"), N("dstport"), N("packets"), N("srcaddr"), N("srcport"), N("version"),
	N("protocol"),
	N("subnet-id"), N("tcp-flags"),
	N("account-id"), N("log-status"),
	N("ecs-task-id"), N("instance-id"), N("pkt-dstaddr"), N("pkt-srcaddr"), N("resource-id"),
	N("ecs-task-arn"), N("interface-id"), N("traffic-path"),
	N("reject-reason"),
	N("flow-direction"), N("sublocation-id"),
	N("ecs-cluster-arn"),
	N("ecs-cluster-name"), N("ecs-container-id"), N("ecs-service-name"), N("sublocation-type"),
	N("encryption-status"),
	N("pkt-dst-aws-service"), N("pkt-src-aws-service"),
	N("ecs-second-container-id"), N("ecs-task-definition-arn"),
	N("ecs-container-instance-id"),
	N("ecs-container-instance-arn"),
};
#undef N

/* lens -- the lengths of those names by first letter, a bit each: with
 * their last byte, a letter, a quick no for fl_field_known, which is asked
 * of the first field of the lines the fast paths leave to the full parser
 * (tests/formats.bats reads a header of every name) */
#define B(n) (1UL << (n))
static const unsigned long lens[26] = {
	['a' - 'a'] = B(5) | B(6) | B(10),
	['b' - 'a'] = B(5),
	['d' - 'a'] = B(7),
	['e' - 'a'] = B(3) | B(11) | B(12) | B(15) | B(16) | B(17) | B(23) | B(25) | B(26),
	['f' - 'a'] = B(14),
	['i' - 'a'] = B(11) | B(12),
	['l' - 'a'] = B(10),
	['p' - 'a'] = B(7) | B(8) | B(11) | B(19),
	['r' - 'a'] = B(6) | B(11) | B(13),
	['s' - 'a'] = B(5) | B(7) | B(9) | B(14) | B(16),
	['t' - 'a'] = B(4) | B(9) | B(12),
	['v' - 'a'] = B(6) | B(7),
};
#undef B

/* namecmp -- the order of s (n bytes, any case) against the name k */
static int
namecmp(const struct name *k, const char *s, size_t n)
{
	size_t i;

	if (n != k->len)
		return n < k->len ? -1 : 1;
	for (i = 0; i < n; i++) {
		int c = lower((unsigned char)s[i]);
		if (c != k->s[i])
			return c - k->s[i];
	}
	return 0;
}

/* fl_field_known -- whether name (n bytes, any case) is an AWS field name */
int
fl_field_known(const char *name, size_t n)
{
	size_t lo = 0, hi = sizeof(known) / sizeof(known[0]);
	unsigned first;

	if (n < 3 || n > 26 || (first = (unsigned)lower((unsigned char)name[0]) - 'a') >= 26 ||
	    !(lens[first] >> n & 1) || (unsigned)lower((unsigned char)name[n - 1]) - 'a' >= 26)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = namecmp(&known[mid], name, n);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* setquick -- whether fl_parse may try the fast path: a little-endian
 * machine, protocol right after dstport, log-status last or absent, and no
 * other field wanted */
static void
setquick(struct fl_fmt *fmt)
{
	int i;

	/* the word tricks read bytes in little-endian order */
	fmt->quick = littleendian() && fmt->dstport >= 0 && fmt->protocol == fmt->dstport + 1 &&
	    (fmt->status < 0 || fmt->status == fmt->nfields - 1) && fmt->measure < 0;
	for (i = 0; i < fmt->nsel; i++)
		if (fmt->sel[i] >= 0 && fmt->sel[i] != fmt->dstport && fmt->sel[i] != fmt->protocol)
			fmt->quick = 0;
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
	fmt->measure = -1;
	setquick(fmt);
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

/* fl_fmt_header -- read a header line into fmt (after its timestamp, if
 * it has one: fl_stamp); 0, or -1 with a reason */
int
fl_fmt_header(struct fl_fmt *fmt, const char *s, size_t n, const char **why)
{
	struct fl_rec r;
	size_t d = stamp(s, n);
	int i, k = fl_splitbytes(s + d, n - d, &r);

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
	fmt->measure = -1;
	if (fmt->measname) {
		for (j = 0; j < fmt->nfields; j++)
			if (strcmp(fmt->names[j], fmt->measname) == 0)
				break;
		if (j == fmt->nfields) {
			*missing = fmt->measname;
			return -1;
		}
		fmt->measure = j;
	}
	setquick(fmt);
	return 0;
}
