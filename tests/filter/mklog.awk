# mklog.awk -- a deterministic flow log for tests/filter.bats:
#   awk -v n=LINES -v fmt=v2|v5 -f mklog.awk
# v2: the default format, no header; v5: a header naming every field of
# versions 2 to 5. Addresses IPv4 and IPv6 (written compressed, full, in
# upper case), times over 2024-05-01 00:00 to 06:00 UTC, actions and
# other enumerations in mixed case, NODATA and SKIPDATA records with '-',
# malformed records (a dstport over 65535, a field missing), comments and
# blank lines.

# rnd -- the next number of a Park-Miller generator (exact in doubles)
function rnd(m) {
	seed = (seed * 16807) % 2147483647
	return seed % m
}

function hex(v,   s, d) {
	s = ""
	do {
		d = v % 16
		s = substr("0123456789abcdef", d + 1, 1) s
		v = int(v / 16)
	} while (v > 0)
	return s
}

function addr(   k) {
	k = rnd(12)
	if (k == 0) return "10." rnd(256) "." rnd(256) "." rnd(256)
	if (k == 1) return "10.0." rnd(4) "." (1 + rnd(254))
	if (k == 2) return "172." (10 + rnd(30)) "." rnd(256) "." rnd(256)
	if (k == 3) return "192.168." rnd(3) "." rnd(256)
	if (k == 4) return "52.94." rnd(256) "." rnd(256)
	if (k == 5) return "11." rnd(256) ".0.1"
	if (k == 6) return "2001:db8:" hex(rnd(65536)) ":" hex(rnd(3)) "::" hex(rnd(65536))
	if (k == 7) return "2001:DB8:0:0:1:0:0:" toupper(hex(rnd(65536)))
	if (k == 8) return "2001:db9::" hex(rnd(65536))
	if (k == 9) return "fd00:ec2::" hex(rnd(16))
	if (k == 10) return "2600:1f18:" hex(rnd(65536)) ":1200:" hex(rnd(65536)) ":" hex(rnd(65536)) ":" hex(rnd(65536)) ":" hex(rnd(65536))
	return "::ffff:" hex(rnd(65536))
}

function pick(list,   a, k) {
	k = split(list, a, " ")
	return a[1 + rnd(k)]
}

BEGIN {
	seed = 20240501
	t0 = 1714521600
	if (fmt == "v5")
		print "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path"
	for (i = 1; i <= n; i++) {
		k = rnd(100)
		if (k == 0) { print "# a comment " i; continue }
		if (k == 1) { print ""; continue }
		start = t0 + rnd(21600)
		end = start + rnd(120)
		eni = pick("eni-0a1b eni-0a1b eni-0c2d eni-77ff eni-0A1B eni-0a1b2")
		acct = pick("123456789012 000011112222")
		if (k <= 4) {
			line = "2 " acct " " eni " - - - - - - - " start " " end " - " pick("NODATA SKIPDATA nodata")
			if (fmt == "v5") line = line " - - - - - - - - - - - - - - -"
			print line
			continue
		}
		src = addr()
		dst = addr()
		proto = pick("6 6 6 17 17 1 58 47 50 132 0")
		sport = rnd(65536)
		dport = k < 50 ? pick("22 53 80 443 3389 8080 123 0 1023 1024 65535") : rnd(65536)
		if (k == 5) dport = 65536 + rnd(1000)          # malformed
		packets = 1 + rnd(200)
		bytes = packets * (40 + rnd(1460))
		if (k == 6) packets = "-"
		action = pick("ACCEPT ACCEPT REJECT reject Reject accept")
		status = pick("OK OK OK ok")
		line = "2 " acct " " eni " " src " " dst " " sport " " dport " " proto " " packets " " bytes " " start " " end " " action " " status
		if (fmt == "v5") {
			line = line " " pick("vpc-0aa vpc-0bb -") " subnet-" pick("1 2") " " pick("i-01 i-02 -") " " pick("0 2 18 19 3 1") " " (index(src, ":") ? pick("IPv6 ipv6 EFA") : pick("IPv4 IPv4 ipv4")) " " pick(src " " addr()) " " pick(dst " -") " us-east-1 use1-az1 - - " pick("AMAZON S3 -") " - " pick("ingress egress Ingress EGRESS -") " " pick("1 2 3 8 -")
		}
		if (k == 7) sub(/ [^ ]*$/, "", line)           # malformed: a field short
		print line
	}
}
