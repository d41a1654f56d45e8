# flowtag.awk -- the flowtag job as one POSIX awk program: the baseline that
# scripts/bench.sh times against the C tools.
#
#   mawk -f scripts/flowtag.awk lookup.csv flows.log [flows.log ...]
#
# Writes the summary of flowtag.sh's output.csv to stdout (tag counts,
# port/protocol counts, untagged flows, totals) with the same numbers; rows
# are ordered by `LC_ALL=C sort` (count descending, then port numerically,
# then protocol bytewise), which differs from flowtag only on rare ties.
# Lookup problems and unnamed protocol numbers are reported on stderr;
# malformed flow lines are counted, not listed.  No gzip input.
#
# Speed: a record costs one NF test, one test of $1, one test of the
# log-status field and one array increment keyed by the raw (dstport,
# protocol) text.  The keys are checked and normalized once each, in END.

BEGIN {
	prog = "flowtag.awk"
	if (ARGC < 2) {
		print "usage: awk -f flowtag.awk LOOKUP [FLOWLOG ...]" > "/dev/stderr"
		fatal = 2
		exit 2
	}
	protocols()
	readlookup(ARGV[1])
	ARGV[1] = ""
	if (ARGC == 2) {        # no flow log named: standard input
		ARGV[ARGC++] = "-"
	}
}

FNR == 1 {              # every file starts in the version 2 default format
	nf = 14; dp = 7; pp = 8; ls = 14
}

NF != nf || $1 ~ /^[#vV$]/ || $ls != "OK" {
	if (slow())
		next
}

{
	cnt[$dp " " $pp]++
}

END {
	if (fatal)
		exit fatal
	report()
}

# slow -- the unusual lines; returns 1 if the line is not a flow
function slow(   s) {
	if (substr($0, length($0)) == "\r")
		$0 = substr($0, 1, length($0) - 1)
	if (NF == 0) {
		skipped++
		return 1
	}
	s = tolower($1)
	if (substr(s, 1, 1) == "#") {
		skipped++
		return 1
	}
	if (s == "version" || s == "${version}") {
		skipped++
		header()
		return 1
	}
	if (NF != nf) {
		malformed++
		return 1
	}
	if (ls) {
		s = toupper($ls)
		if (s == "NODATA" || s == "SKIPDATA") {
			nodata++
			return 1
		}
	}
	return 0
}

function header(   i, s) {
	nf = NF; dp = pp = ls = 0
	for (i = 1; i <= NF; i++) {
		s = tolower($i)
		if (s ~ /^\$\{.*\}$/)
			s = substr(s, 3, length(s) - 3)
		if (s == "dstport" && !dp)
			dp = i
		else if (s == "protocol" && !pp)
			pp = i
		else if (s == "log-status" && !ls)
			ls = i
	}
	s = !dp ? "dstport" : !pp ? "protocol" : ""
	if (s != "") {
		printf "%s: %s:%d: header has no '%s' field\n", prog, FILENAME, FNR, s > "/dev/stderr"
		fatal = 1
		exit 1
	}
}

# readlookup -- tagof[port "," protoname] = tag, first row wins
function readlookup(file,   line, nr, r, n, f, i, s, hdr, ncol, cp, cq, ct, p, q, t, key) {
	hdr = 0
	while ((r = (getline line < file)) > 0) {
		nr++
		if (nr == 1)
			sub(/^\357\273\277/, "", line)
		sub(/\r$/, "", line)
		if (line ~ /^[ \t]*$/)
			continue
		n = csvsplit(line, f)
		if (n < 0) {
			lerr(file, nr, "unterminated quoted field or text after closing quote")
			continue
		}
		if (!hdr) {
			hdr = 1
			if (f[1] !~ /^[0-9]+$/) {
				for (i = 1; i <= n; i++) {
					s = tolower(f[i])
					if (s == "dstport" && !cp) cp = i
					else if (s == "protocol" && !cq) cq = i
					else if (s == "tag" && !ct) ct = i
				}
				s = !cp ? "dstport" : !cq ? "protocol" : !ct ? "tag" : ""
				if (s != "") {
					lerr(file, nr, "header has no '" s "' column")
					fatal = 1
					exit 1
				}
				ncol = n
				continue
			}
			cp = 1; cq = 2; ct = 3; ncol = 3
		}
		if (n != ncol) {
			lerr(file, nr, n " fields, expected " ncol)
			continue
		}
		p = f[cp]; q = tolower(f[cq]); t = f[ct]
		if (p !~ /^[0-9]+$/ || dec(p) > 65535) {
			lerr(file, nr, "dstport '" p "' is not a number 0..65535")
			continue
		}
		gsub(/ /, "-", q)
		if (q ~ /^[0-9]+$/ && (q = dec(q)) <= 255)
			q = pname[q]
		else if (q in pnum)
			q = pname[pnum[q]]
		else {
			lerr(file, nr, "protocol '" f[cq] "' is unknown")
			continue
		}
		if (t == "") {
			lerr(file, nr, "empty tag")
			continue
		}
		if (t ~ /[\t\r\n]/) {
			lerr(file, nr, "tag contains a tab, CR or LF")
			continue
		}
		key = dec(p) "," q
		if (!(key in tagof)) {
			tagof[key] = t
			tagline[key] = nr
		} else if (tagof[key] != t) {
			lerr(file, nr, "warning: duplicate key " key ": tag '" t "' ignored, line " tagline[key] " has '" tagof[key] "'")
		}
	}
	if (r < 0) {
		printf "%s: %s: cannot read\n", prog, file > "/dev/stderr"
		fatal = 1
		exit 1
	}
	close(file)
}

# dec -- the value of a string of digits; leading zeros are not octal
function dec(s) {
	sub(/^0+/, "", s)
	return s == "" ? 0 : s + 0
}

function lerr(file, nr, msg) {
	printf "%s: %s:%d: %s\n", prog, file, nr, msg > "/dev/stderr"
}

# csvsplit -- RFC 4180 fields of one line into f[1..n], blanks trimmed; -1 if bad
function csvsplit(line, f,   n, i, c, len, s, inq, after) {
	if (index(line, "\"") == 0) {
		n = split(line, f, ",")
		for (i = 1; i <= n; i++) {
			s = f[i]
			sub(/^[ \t]+/, "", s)
			sub(/[ \t]+$/, "", s)
			f[i] = s
		}
		return n
	}
	n = 1; s = ""; inq = 0; after = 0
	len = length(line)
	for (i = 1; i <= len; i++) {
		c = substr(line, i, 1)
		if (inq) {
			if (c != "\"")
				s = s c
			else if (substr(line, i + 1, 1) == "\"") {
				s = s c
				i++
			} else {
				inq = 0
				after = 1
			}
		} else if (c == ",") {
			f[n++] = trim(s, after)
			s = ""; after = 0
		} else if (c == "\"" && s ~ /^[ \t]*$/ && !after) {
			s = ""
			inq = 1
		} else if (after && c != " " && c != "\t") {
			return -1
		} else {
			s = s c
		}
	}
	if (inq)
		return -1
	f[n] = trim(s, after)
	return n
}

function trim(s, quoted) {
	if (quoted)
		return s
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

function csv(s) {
	if (s ~ /[,"]/) {
		gsub(/"/, "\"\"", s)
		s = "\"" s "\""
	}
	return s
}

# report -- check and name the raw keys, count, and print sorted sections
function report(   k, a, c, p, q, key, flows, tagged, untagged, t, cmd, records) {
	for (k in cnt) {
		split(k, a, " ")
		c = cnt[k]
		p = a[1]; q = a[2]
		if (p == "-" || q == "-") {
			nodata += c
			continue
		}
		if (p !~ /^[0-9]+$/ || q !~ /^[0-9]+$/ || (p = dec(p)) > 65535 || (q = dec(q)) > 255) {
			malformed += c
			continue
		}
		if (pname[q] ~ /^[0-9]/ && !(q in warned)) {
			warned[q] = 1
			printf "%s: warning: protocol %d has no IANA keyword, named '%d'\n", prog, q, q > "/dev/stderr"
		}
		key = p "," pname[q]
		pc[key] += c
		kp[key] = p
		kq[key] = pname[q]
	}
	tc["Untagged"] = 0
	for (key in pc) {
		c = pc[key]
		flows += c
		if (key in tagof) {
			tagged += c
			tc[tagof[key]] += c
		} else {
			untagged += c
			tc["Untagged"] += c
		}
	}
	records = NR - skipped

	print "Tag Counts:"
	print "Tag,Count"
	fflush()
	cmd = "LC_ALL=C sort -t '\t' -k1,1nr -k2,2 | cut -f3-"
	for (t in tc)
		print tc[t] "\t" t "\t" csv(t) "," tc[t] | cmd
	close(cmd)

	print ""
	print "Port/Protocol Combination Counts:"
	print "Port,Protocol,Count"
	fflush()
	cmd = "LC_ALL=C sort -t '\t' -k1,1nr -k2,2n -k3,3 | cut -f4-"
	for (key in pc)
		print pc[key] "\t" kp[key] "\t" kq[key] "\t" kp[key] "," csv(kq[key]) "," pc[key] | cmd
	close(cmd)

	print ""
	print "Untagged Flows:"
	print "Port,Protocol,Count"
	fflush()
	for (key in pc)
		if (!(key in tagof))
			print pc[key] "\t" kp[key] "\t" kq[key] "\t" kp[key] "," csv(kq[key]) "," pc[key] | cmd
	close(cmd)

	print ""
	print "Totals:"
	print "Metric,Value"
	print "records," records
	print "flows," flows + 0
	print "tagged," tagged + 0
	print "untagged," untagged + 0
	print "nodata," nodata + 0
	print "malformed," malformed + 0
}

# protocols -- pname[0..255]: IANA keyword, lowercased, spaces to '-', or
# the number itself; pnum[keyword] = number
function protocols(   n, i, kw) {
	n = split("hopopt icmp igmp ggp ipv4 st tcp cbt egp igp bbn-rcc-mon nvp-ii " \
	    "pup argus emcon xnet chaos udp mux dcn-meas hmp prm xns-idp trunk-1 " \
	    "trunk-2 leaf-1 leaf-2 rdp irtp iso-tp4 netblt mfe-nsp merit-inp dccp " \
	    "3pc idpr xtp ddp idpr-cmtp tp++ il ipv6 sdrp ipv6-route ipv6-frag idrp " \
	    "rsvp gre dsr bna esp ah i-nlsp swipe narp min-ipv4 tlsp skip ipv6-icmp " \
	    "ipv6-nonxt ipv6-opts - cftp - sat-expak kryptolan rvd ippc - sat-mon " \
	    "visa ipcv cpnx cphb wsn pvp br-sat-mon sun-nd wb-mon wb-expak iso-ip " \
	    "vmtp secure-vmtp vines ttp nsfnet-igp dgp tcf eigrp ospfigp sprite-rpc " \
	    "larp mtp ax.25 ipip micp scc-sp etherip encap - gmtp ifmp pnni pim aris " \
	    "scps qnx a/n ipcomp snp compaq-peer ipx-in-ip vrrp pgm - l2tp ddx iatp " \
	    "stp srp uti smp sm ptp isis-over-ipv4 fire crtp crudp sscopmce iplt sps " \
	    "pipe sctp fc rsvp-e2e-ignore mobility-header udplite mpls-in-ip manet " \
	    "hip shim6 wesp rohc ethernet aggfrag nsh homa", kw, " ")
	for (i = 0; i < 256; i++) {
		if (i < n && kw[i + 1] != "-") {
			pname[i] = kw[i + 1]
			pnum[kw[i + 1]] = i
		} else {
			pname[i] = i ""
		}
	}
	pnum["iptm"] = 84
}
