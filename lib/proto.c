/* proto.c -- IANA "Assigned Internet Protocol Numbers", keywords lowercased,
 * spaces turned to '-', a trailing " (deprecated)" dropped. Numbers without
 * a keyword are named by their decimal number. */
#include <string.h>

#include "flow.h"

static const char *const kw[256] = {
	"hopopt", "icmp", "igmp", "ggp", "ipv4", "st", "tcp", "cbt",
	"egp", "igp", "bbn-rcc-mon", "nvp-ii", "pup", "argus", "emcon", "xnet",
	"chaos", "udp", "mux", "dcn-meas", "hmp", "prm", "xns-idp", "trunk-1",
	"trunk-2", "leaf-1", "leaf-2", "rdp", "irtp", "iso-tp4", "netblt", "mfe-nsp",
	"merit-inp", "dccp", "3pc", "idpr", "xtp", "ddp", "idpr-cmtp", "tp++",
	"il", "ipv6", "sdrp", "ipv6-route", "ipv6-frag", "idrp", "rsvp", "gre",
	"dsr", "bna", "esp", "ah", "i-nlsp", "swipe", "narp", "min-ipv4",
	"tlsp", "skip", "ipv6-icmp", "ipv6-nonxt", "ipv6-opts", NULL, "cftp", NULL,
	"sat-expak", "kryptolan", "rvd", "ippc", NULL, "sat-mon", "visa", "ipcv",
	"cpnx", "cphb", "wsn", "pvp", "br-sat-mon", "sun-nd", "wb-mon", "wb-expak",
	"iso-ip", "vmtp", "secure-vmtp", "vines", "ttp", "nsfnet-igp", "dgp", "tcf",
	"eigrp", "ospfigp", "sprite-rpc", "larp", "mtp", "ax.25", "ipip", "micp",
	"scc-sp", "etherip", "encap", NULL, "gmtp", "ifmp", "pnni", "pim",
	"aris", "scps", "qnx", "a/n", "ipcomp", "snp", "compaq-peer", "ipx-in-ip",
	"vrrp", "pgm", NULL, "l2tp", "ddx", "iatp", "stp", "srp",
	"uti", "smp", "sm", "ptp", "isis-over-ipv4", "fire", "crtp", "crudp",
	"sscopmce", "iplt", "sps", "pipe", "sctp", "fc", "rsvp-e2e-ignore", "mobility-header",
	"udplite", "mpls-in-ip", "manet", "hip", "shim6", "wesp", "rohc", "ethernet",
	"aggfrag", "nsh", "homa",
};

static char numname[256][4];
static unsigned char numlen[256];
static unsigned char kwlen[256];
static int ready;

/* keyword -> number: open addressing over keyword hashes, built once */
static const char *byname[512];
static unsigned char bynum[512];

static unsigned
namehash(const char *s, size_t n)
{
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i];
		if (c - 'A' < 26)
			c += 32;
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static void
add(const char *name, unsigned num)
{
	unsigned i = namehash(name, strlen(name)) & 511;

	while (byname[i])
		i = (i + 1) & 511;
	byname[i] = name;
	bynum[i] = (unsigned char)num;
}

static void
init(void)
{
	unsigned i;

	for (i = 0; i < 256; i++) {
		char *p = fl_utoa(numname[i], i);
		numlen[i] = (unsigned char)(p - numname[i]);
		if (kw[i]) {
			kwlen[i] = (unsigned char)strlen(kw[i]);
			add(kw[i], i);
		}
	}
	add("iptm", 84);      /* 84 has two keywords: TTP and IPTM */
	ready = 1;
}

const char *
fl_proto_name(unsigned num, size_t *len)
{
	if (!ready)
		init();
	num &= 255;
	if (kw[num]) {
		*len = kwlen[num];
		return kw[num];
	}
	*len = numlen[num];
	return numname[num];
}

int
fl_proto_has_keyword(unsigned num)
{
	return num < 256 && kw[num] != NULL;
}

static int
nameeq(const char *a, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i];
		if (c - 'A' < 26)
			c += 32;
		if (a[i] == '\0' || (unsigned char)a[i] != c)
			return 0;
	}
	return a[n] == '\0';
}

/* fl_proto_parse -- a keyword in any case or a decimal 0..255; -1 if neither */
int
fl_proto_parse(const char *s, size_t n)
{
	/* the last keyword found, as it was written: tables repeat a few */
	static char last[21];
	static size_t lastn;
	static int lastnum;
	uint64_t v;
	unsigned i;

	if (n != 0 && n == lastn) {
		for (i = 0; i < n && s[i] == last[i]; i++)
			;
		if (i == n)
			return lastnum;
	}
	if (fl_udec(s, n, 255, &v) == 0)
		return (int)v;
	if (!ready)
		init();
	if (n == 0 || n > 20)
		return -1;
	for (i = namehash(s, n) & 511; byname[i]; i = (i + 1) & 511)
		if (nameeq(byname[i], s, n)) {
			memcpy(last, s, n);
			lastn = n;
			lastnum = bynum[i];
			return lastnum;
		}
	return -1;
}
