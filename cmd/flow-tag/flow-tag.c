/* flow-tag -- append the tag of each record's (dstport, protocol) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"

#define MAXLINE (64 * 1024 * 1024)

static struct fl_lookup lk;
static int portcol = 1, protocol = 2;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: flow-tag -l LOOKUP [-k PORTCOL,PROTOCOL] [file ...]\n"
	    "       flow-tag -c -l LOOKUP\n"
	    "  -c         check the lookup table, read no flows (exit 1 on any problem)\n"
	    "  -k P,R     the dstport is column P, the protocol column R (default 1,2)\n"
	    "  -l LOOKUP  the lookup table, dstport,protocol,tag (- for stdin)\n"
	    "  -h, --help     this help;  --version  the version\n");
	exit(status);
}

/* column -- the 1-based column k of a TAB-separated line */
static int
column(const char *s, size_t n, int k, const char **f, size_t *fn)
{
	const char *e = s + n, *t;

	while (--k > 0) {
		if (!(t = memchr(s, '\t', (size_t)(e - s))))
			return -1;
		s = t + 1;
	}
	t = memchr(s, '\t', (size_t)(e - s));
	*f = s;
	*fn = t ? (size_t)(t - s) : (size_t)(e - s);
	return 0;
}

static void
tagline(const char *name, uint64_t line, const char *s, size_t n)
{
	const char *pf, *rf, *tag;
	size_t pn, rn, tn;
	uint64_t port;
	int proto;

	if (column(s, n, portcol, &pf, &pn) < 0 || column(s, n, protocol, &rf, &rn) < 0) {
		size_t i, cols = 1;
		for (i = 0; i < n; i++)
			cols += s[i] == '\t';
		fl_linewarn(name, line, "%zu columns, need %d", cols,
		    portcol > protocol ? portcol : protocol);
		return;
	}
	if (fl_udec(pf, pn, 65535, &port) < 0) {
		fl_linewarn(name, line, "dstport '%s' is not a number 0..65535", fl_quote(pf, pn));
		return;
	}
	if ((proto = fl_proto_parse(rf, rn)) < 0) {
		fl_linewarn(name, line, "protocol '%s' is unknown", fl_quote(rf, rn));
		return;
	}
	if (!(tag = fl_lookup_get(&lk, (unsigned)port, (unsigned)proto, &tn))) {
		tag = "Untagged";
		tn = 8;
	}
	fl_putjoin(s, n, '\t', tag, tn);
}

static void
parsecols(const char *arg)
{
	const char *comma = strchr(arg, ',');
	uint64_t a = 0, b = 0;

	if (!comma || fl_udec(arg, (size_t)(comma - arg), 1024, &a) < 0 ||
	    fl_udec(comma + 1, strlen(comma + 1), 1024, &b) < 0 || a == 0 || b == 0 || a == b) {
		fl_warn("-k: '%s' is not PORTCOL,PROTOCOL (two different columns from 1)", arg);
		usage(2);
	}
	portcol = (int)a;
	protocol = (int)b;
}

int
main(int argc, char *argv[])
{
	const char *lookup = NULL;
	int c, check = 0, first = -1, firsterr = 0;

	fl_start(argc, argv, usage, NULL);
	while ((c = getopt(argc, argv, "hcl:k:")) != -1) {
		switch (c) {
		case 'h': usage(0); break;
		case 'c': check = 1; break;
		case 'l': lookup = optarg; break;
		case 'k': parsecols(optarg); break;
		default: usage(2);
		}
	}
	if (!lookup) {
		fl_warn("-l LOOKUP is required");
		usage(2);
	}
	if (check && optind < argc) {
		fl_warn("-c reads no flows");
		usage(2);
	}
	/* the first file opened before the table is read, so that a writer
	 * into a FIFO (flowtag.sh's count) is not held up while it loads; a
	 * failure is told after the table's messages */
	if (!check && optind < argc && strcmp(argv[optind], "-") != 0) {
		if ((first = open(argv[optind], O_RDONLY)) < 0)
			firsterr = errno;
	}
	lk.lint = check;
	if (fl_lookup_read(&lk, lookup) < 0)
		return 1;
	if (check)
		return lk.problems ? 1 : 0;
	if (optind == argc)
		fl_each("-", MAXLINE, tagline, NULL);
	if (first >= 0 || firsterr) {
		errno = firsterr;
		if (first < 0)
			fl_die(1, "%s:", argv[optind]);
		fl_each_fd(first, argv[optind++], MAXLINE, tagline, NULL);
	}
	for (; optind < argc; optind++)
		fl_each(argv[optind], MAXLINE, tagline, NULL);
	fl_finish();
	return 0;
}
