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

int
fl_field_known(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (nameeq(known[i], name, n))
			return 1;
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

/* fl_fmt_header -- read a header line into fmt; 0, or -1 with a reason */
int
fl_fmt_header(struct fl_fmt *fmt, const char *s, size_t n, const char **why)
{
	struct fl_rec r;
	int i, k = fl_splitbytes(s, n, &r);

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
