# flowtag.awk -- the flowtag job as one POSIX awk program: the baseline that
# scripts/bench.sh times against the C tools.
#
#   mawk -v out=OUTDIR -f scripts/flowtag.awk LOOKUP [FLOWLOG ...]
#
# Does what `flowtag.sh -l LOOKUP -o OUTDIR FLOWLOG ...` does and writes the
# same five files into OUTDIR (default .): output.csv, tag_counts.csv,
# port_protocol_counts.csv, untagged_flows.csv and error.log, with the same
# rows in the same order and the same messages (prefixed flow-tag: for the
# lookup table, flow-parse: for the flow logs): every malformed flow line
# with FILE:LINE and its reason, one warning per protocol number without an
# IANA keyword at its first flow, every bad lookup row, duplicate keys.
# Lookup rows may be port ranges N-M and * (port or protocol), as in flowtag.
# The outputs are written to temporary files in OUTDIR and renamed into place
# at the end; a fatal error (bad header, unreadable input) leaves them alone.
# With no FLOWLOG it reads flow_logs.txt, as flowtag.sh does; - is stdin.
#
# Not done: gzip input (a gzip file is a fatal error here); flowtag.sh's
# options -j, -m, -n, --strict, -q and its summary and timing on stderr.
#
# Row order (SPEC section 3): count descending, then the key field by field,
# numerically where both fields are digits, else bytewise. The tag table is
# sorted here with flowtag's own merge sort, in the order flowtag meets the
# tags, so it matches even where that rule goes round in a circle (9 < 10 <
# 1a < 9). The port/protocol table is sorted by sort(1) on a key that is
# exact except in one circle: a tie on count and port between 3pc, a
# protocol number without keyword below 100 (61, 63, 68, 99) and one above
# (114, 147..255), as 63 < 243 < 3pc < 63; there flowtag.sh -j 1 and -j N
# can disagree with each other too. A flow line over 1 MiB is malformed in
# flowtag; here too, unless it passes the fast test below with a valid key.
#
# Speed: a record costs one NF test, one test of the log-status field, one
# regular-expression test of $1 and one array increment keyed by the raw
# (dstport, protocol) text. A key is checked, named and tagged the first
# time it is seen; a key that fails never enters the table, so every line
# carrying it is checked again and reported. Headers, comments, NODATA and
# wrong field counts go to slow(); merging, sorting and writing are in END.

BEGIN {
	if (ARGC < 2) {
		print "usage: awk -v out=OUTDIR -f flowtag.awk LOOKUP [FLOWLOG ...]" > "/dev/stderr"
		fatal = 2
		exit 2
	}
	if (out == "")
		out = "."
	if (system("test -d " shq(out)) != 0)
		die("flowtag: " out ": not a directory")
	tmpp = out "/.flowtag-awk."
	errf = tmpp "error.log"
	printf "" > errf
	protocols()
	lookup = ARGV[1]
	ARGV[1] = ""
	if (ARGC == 2)          # no flow log named: flowtag.sh's default
		ARGV[ARGC++] = "flow_logs.txt"
	for (i = 2; i < ARGC; i++)
		if (ARGV[i] != "-")
			checkinput(ARGV[i])
	readlookup(lookup)
	nf = 14; dp = 7; pp = 8; ls = 14
}

FNR == 1 {              # every file starts in the version 2 default format
	nf = 14; dp = 7; pp = 8; ls = 14
	fname = FILENAME
}

NF != nf || $ls != "OK" || $1 ~ /^[#vV$]/ {
	if (slow())
		next
}

{
	if (++cnt[k = $dp " " $pp] == 1)
		newkey(k)
}

END {
	if (fatal) {
		cleanup()
		exit fatal
	}
	inend = 1
	report()
}

# slow -- the unusual lines; 1 if the line is not a flow (it is accounted
# for here), 0 if its key is to be counted
function slow(   n, s, c) {
	slowed = NR
	n = length($0)
	if (n > 1048576) {
		bad("line longer than 1048576 bytes")
		return 1
	}
	if (substr($0, n) == "\r")
		$0 = substr($0, 1, n - 1)
	if (NF == 0) {
		skipped++
		return 1
	}
	c = substr($1, 1, 1)
	if (c == "#") {
		skipped++
		return 1
	}
	if (c == "v" || c == "V" || c == "$") {
		s = tolower($1)
		if (s == "version" || s == "${version}") {
			skipped++
			header()
			return 1
		}
	}
	if (NF != nf) {
		bad(NF " fields, expected " nf)
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

# newkey -- check the raw key k of this line, seen for the first time, and
# name it; a key that is not a flow's leaves the table. The line passed the
# fast test without slow(): on a bad key, slow() looks at it first (a
# trailing CR, a line over 1 MiB), then the key is checked again. Digit
# strings are decimal in awk (leading zeros are not octal).
function newkey(k,   p, q, v, n, ck) {
	p = $dp
	q = $pp
	if (k ~ /^[0-9]+ [0-9]+$/ && (v = p + 0) <= 65535 && (n = q + 0) <= 255) {
		if (k == (ck = v " " n)) {
			named(k, p, n)
		} else {
			# another spelling (080 for 80): counted apart, merged
			# into the plain one at the end
			alias[k] = ck
			nalias++
			if (!(ck in info))
				named(ck, v "", n)
		}
		return
	}
	delete cnt[k]
	if (p == "-" || q == "-")
		nodata++
	else if (slowed != NR) {
		if (!slow() && ++cnt[k = $dp " " $pp] == 1)
			newkey(k)
	} else if (p !~ /^[0-9]+$/ || p + 0 > 65535)
		bad("dstport '" quote(p) "' is not a number 0..65535")
	else
		bad("protocol '" quote(q) "' is not a number 0..255")
}

# named -- a new key: its sort key, tag and output row in info[k], and the
# warning for a protocol number without a keyword, at its first flow
function named(k, v, q,   t, name) {
	if ((t = tagof(v, q)) == "")
		t = "Untagged"
	# the sort key of the protocol name for sort(1): a number without a
	# keyword as 0NNN, in order and before the keywords (which start with
	# a letter); 3pc, the one keyword that starts with a digit, comes
	# before 61..99 and after 114..255 in flowtag's order: see report()
	name = pname[q]
	if (q in nokw) {
		if (!(q in warned)) {
			warned[q] = 1
			perr(fname ":" FNR ": warning: protocol " q " has no IANA keyword, named '" q "'")
		}
		info[k] = v "\t" sprintf("0%03d", q) "\t" t "\t" v "," name ","
		if (q > 100)
			hinum[k] = v
		else
			lonum[k] = v
	} else if (q == 34) {
		info[k] = v "\t0000\t" t "\t" v ",3pc,"
		threepc[k] = v
		n3 = 1
	} else {
		info[k] = v "\t" name "\t" t "\t" v "," name ","
	}
}

# bad -- a malformed record
function bad(msg) {
	malformed++
	perr(fname ":" FNR ": malformed: " msg)
}

function perr(msg) {
	print "flow-parse: " msg > errf
}

function header(   i, s, n) {
	if (NF > 128)
		die("flow-parse: " fname ":" FNR ": header has too many fields")
	nf = NF; dp = pp = ls = 0
	for (i = 1; i <= NF; i++) {
		s = tolower($i)
		n = length(s)
		if (n >= 3 && substr(s, 1, 2) == "${" && substr(s, n) == "}")
			s = substr(s, 3, n - 3)
		if (s == "dstport") {
			if (!dp) dp = i
		} else if (s == "protocol") {
			if (!pp) pp = i
		} else if (s == "log-status") {
			if (!ls) ls = i
		}
	}
	s = !dp ? "dstport" : !pp ? "protocol" : ""
	if (s != "")
		die("flow-parse: " fname ":" FNR ": header has no '" s "' field")
}

function die(msg) {
	print msg > "/dev/stderr"
	if (inend)
		cleanup()
	fatal = 1
	exit 1
}

function shq(s) {
	gsub(/'/, "'\\''", s)
	return "'" s "'"
}

# checkinput -- as flowtag.sh: a flow log must exist, be readable and not a
# directory, and (here) not be gzip-compressed
function checkinput(f,   r, line, cmd) {
	if (system("test -d " shq(f)) == 0)
		die("flowtag: " f ": Is a directory")
	if (system("test -e " shq(f)) != 0)
		die("flowtag: " f ": No such file or directory")
	r = (getline line < f)
	if (r < 0)
		die("flowtag: " f ": Permission denied")
	close(f)
	if (r > 0 && substr(line, 1, 2) == "\037\213")
		die("flowtag.awk: " f ": gzip input is not supported here")
}

function cleanup() {
	if (tmpp == "")
		return
	close(errf)
	system("rm -f " shq(tmpp) "*")
}

# dec -- the value of a string of digits; leading zeros are not octal
function dec(s) {
	sub(/^0+/, "", s)
	return s == "" ? 0 : s + 0
}

# quote -- a value fit for a one-line message, as flowtag's: the first 40
# bytes, control bytes and backslash as \xNN, ... if cut
function quote(s,   n, r, i, c) {
	n = length(s)
	if (n > 40)
		s = substr(s, 1, 40)
	if (s ~ /[\001-\037\177\\]/) {
		r = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c ~ /[\001-\037\177\\]/)
				r = r sprintf("\\x%02x", ord[c])
			else
				r = r c
		}
		s = r
	}
	return n > 40 ? s "..." : s
}

# --- the lookup table ---------------------------------------------------

function lerr(line, msg) {
	print "flow-tag: " lookup ":" line ": " msg > errf
}

# readlookup -- rows into exact[] (one port, a named protocol or *) and the
# range list; the first row of a key wins
function readlookup(file,   n, f, i, s, ncol, cp, cq, ct, cp2, cq2, ct2, lo, hi, q, t, key, first, kn) {
	if (system("test -d " shq(file)) == 0)
		die("flowtag: " file ": Is a directory")
	if (system("test -e " shq(file)) != 0)
		die("flowtag: " file ": No such file or directory")
	lnr = 0
	leof = 0
	first = 1
	cp = 1; cq = 2; ct = 3; ncol = 3
	while ((n = csvrecord(file, f)) >= 0) {
		if (first) {
			first = 0
			if (!portspec(f[1])) {
				for (i = 1; i <= n && i <= 256; i++) {
					s = tolower(f[i])
					if (s == "dstport" && !cp2) cp2 = i
					if (s == "protocol" && !cq2) cq2 = i
					if (s == "tag" && !ct2) ct2 = i
				}
				s = !cp2 ? "dstport" : !cq2 ? "protocol" : !ct2 ? "tag" : ""
				if (s != "")
					die("flow-tag: " lookup ":" recline ": header has no '" s "' column")
				cp = cp2; cq = cq2; ct = ct2; ncol = n
				continue
			}
		}
		if (csverr != "") {
			lerr(recline, csverr)
			continue
		}
		if (n != ncol) {
			lerr(recline, n " fields, expected " ncol)
			continue
		}
		if (!portspec(f[cp])) {
			lerr(recline, "dstport '" quote(f[cp]) "' is not a number 0..65535, a range N-M or *")
			continue
		}
		lo = plo; hi = phi
		q = f[cq]
		if (q == "*")
			;
		else if (q ~ /^[0-9]+$/ && dec(q) <= 255)
			q = dec(q)
		else if (length(q) <= 20 && tolower(q) in pnum)
			q = pnum[tolower(q)]
		else {
			lerr(recline, "protocol '" quote(q) "' is unknown")
			continue
		}
		t = f[ct]
		if (t == "") {
			lerr(recline, "empty tag")
			continue
		}
		if (t ~ /[\t\r\n]/) {
			lerr(recline, "tag contains a tab, CR or LF")
			continue
		}
		key = lo "-" hi "," q
		if (key in dtag) {
			if (dtag[key] != t) {
				kn = (lo == 0 && hi == 65535 ? "*" : lo == hi ? lo : lo "-" hi) "," (q == "*" ? "*" : pname[q])
				lerr(recline, "warning: duplicate key " kn ": tag '" quote(t) "' ignored, line " dline[key] " has '" quote(dtag[key]) "'")
			}
			continue
		}
		dtag[key] = t
		dline[key] = recline
		if (lo == hi) {
			exact[lo "," q] = t
			if (q == "*")
				nany++
		}
		else {
			nrange++
			rlo[nrange] = lo; rhi[nrange] = hi; rpr[nrange] = q ""; rtag[nrange] = t
		}
	}
	close(file)
	if (lread < 0)
		die("flowtag: " file ": Permission denied")
}

# portspec -- N, N-M or *: 1 with plo, phi set, else 0
function portspec(s,   i, a, b) {
	if (s == "*") {
		plo = 0; phi = 65535
		return 1
	}
	if ((i = index(s, "-")) == 0) {
		if (s !~ /^[0-9]+$/ || (a = dec(s)) > 65535)
			return 0
		plo = phi = a
		return 1
	}
	a = substr(s, 1, i - 1)
	b = substr(s, i + 1)
	if (a !~ /^[0-9]+$/ || b !~ /^[0-9]+$/ || (a = dec(a)) > 65535 || (b = dec(b)) > 65535 || a > b)
		return 0
	plo = a; phi = b
	return 1
}

# tagof -- the tag of (port, protocol number), "" if none: the narrowest port
# range wins, at equal width the named protocol, then the earlier row
function tagof(p, q,   i, w, a, b, wa, wb, key) {
	if ((key = p "," q) in exact)
		return exact[key]
	if (!nany && !nrange)
		return ""
	p += 0
	wa = wb = 65536
	if ((p ",*") in exact) {
		b = exact[p ",*"]
		wb = 0
	}
	for (i = 1; i <= nrange; i++) {
		if (rlo[i] <= p && p <= rhi[i]) {
			w = rhi[i] - rlo[i]
			if (rpr[i] == q "") {
				if (w < wa) { wa = w; a = rtag[i] }
			} else if (rpr[i] == "*") {
				if (w < wb) { wb = w; b = rtag[i] }
			}
		}
	}
	if (wa < 65536 && wb < 65536)
		return wb < wa ? b : a
	return wa < 65536 ? a : wb < 65536 ? b : ""
}

# csvline -- the next line of the lookup table into lline; 0 at the end
function csvline(file,   r) {
	if (leof)
		return 0
	r = (getline lline < file)
	if (r <= 0) {
		leof = 1
		if (r < 0)
			lread = -1
		return 0
	}
	if (++lnr == 1)
		sub(/^\357\273\277/, "", lline)
	return 1
}

# csvrecord -- the next RFC 4180 record into f[1..n] (blanks trimmed, blank
# lines skipped), its first line in recline and a problem in csverr; -1 at
# the end. A record may go on over lines inside quotes.
function csvrecord(file, f,   n, i, s, line, len, c, inq, done, fld) {
	for (;;) {
		if (!csvline(file))
			return -1
		if (lline !~ /^[ \t\r]*$/)
			break
	}
	recline = lnr
	csverr = ""
	line = lline
	if (index(line, "\"") == 0) {
		n = split(line, f, ",")
		for (i = 1; i <= n; i++) {
			s = f[i]
			sub(/^[ \t]+/, "", s)
			sub(/[ \t\r]+$/, "", s)
			f[i] = s
		}
		if (n > 256) {
			csverr = "too many fields"
			n = 257
		}
		return n
	}
	# byte by byte, as flowtag's reader
	n = 0
	i = 1
	len = length(line)
	for (;;) {
		while (i <= len && ((c = substr(line, i, 1)) == " " || c == "\t"))
			i++
		fld = ""
		if (i <= len && substr(line, i, 1) == "\"") {
			i++
			for (;;) {
				if (i > len) {
					if (csvline(file)) {
						fld = fld "\n"
						line = lline
						len = length(line)
						i = 1
						continue
					}
					if (csverr == "")
						csverr = "unterminated quoted field"
					break
				}
				c = substr(line, i, 1)
				if (c == "\"") {
					if (substr(line, i + 1, 1) == "\"") {
						fld = fld "\""
						i += 2
						continue
					}
					i++
					break
				}
				s = index(substr(line, i), "\"")
				if (s == 0) {
					fld = fld substr(line, i)
					i = len + 1
				} else {
					fld = fld substr(line, i, s - 1)
					i += s - 1
				}
			}
			while (i <= len && ((c = substr(line, i, 1)) == " " || c == "\t"))
				i++
			if (i <= len && c != "," && !(c == "\r" && i == len)) {
				if (csverr == "")
					csverr = "text after closing quote"
				while (i <= len && substr(line, i, 1) != ",")
					i++
			}
		} else {
			s = index(substr(line, i), ",")
			if (s == 0) {
				fld = substr(line, i)
				i = len + 1
			} else {
				fld = substr(line, i, s - 1)
				i += s - 1
			}
			sub(/[ \t\r]+$/, "", fld)
		}
		if (n < 256)
			f[++n] = fld
		else {
			if (csverr == "")
				csverr = "too many fields"
			n = 257
		}
		if (i <= len && substr(line, i, 1) == ",") {
			i++
			continue
		}
		break
	}
	return n
}

# --- the outputs ----------------------------------------------------------

function csv(s) {
	if (s ~ /[,"]/) {
		gsub(/"/, "\"\"", s)
		s = "\"" s "\""
	}
	return s
}

# alldigits -- a nonempty string of decimal digits
function alldigits(s) {
	return s ~ /^[0-9]+$/
}

# keycmp -- flowtag's order of two one-field keys: numerically if both are
# digits (equal values: bytewise), else bytewise
function keycmp(a, b,   x, y) {
	if (a == b)
		return 0
	if (alldigits(a) && alldigits(b)) {
		x = a; y = b
		sub(/^0+/, "", x); if (x == "") x = "0"
		sub(/^0+/, "", y); if (y == "") y = "0"
		if (length(x) != length(y))
			return length(x) < length(y) ? -1 : 1
		if (x != y)
			return x < y ? -1 : 1
	}
	return a < b ? -1 : 1
}

# tcmp -- the order of the tag table: count descending, then the tag
function tcmp(a, b) {
	if (tc[a] != tc[b])
		return tc[a] > tc[b] ? -1 : 1
	return keycmp(a, b)
}

# msort -- flowtag's stable merge sort (runs of 8 by insertion, then
# bottom-up merges) of a[0..n-1] by tcmp: the same order as flowtag's even
# where the rule goes round in a circle
function msort(a, n,   tmp, width, i, e, j, k, t, l, m, h, r, o) {
	for (i = 0; i < n; i += 8) {
		e = i + 8 < n ? i + 8 : n
		for (j = i + 1; j < e; j++) {
			t = a[j]
			for (k = j; k > i && tcmp(t, a[k - 1]) < 0; k--)
				a[k] = a[k - 1]
			a[k] = t
		}
	}
	for (width = 8; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			l = i
			m = i + width < n ? i + width : n
			h = i + 2 * width < n ? i + 2 * width : n
			r = m
			o = i
			while (l < m && r < h)
				tmp[o++] = tcmp(a[r], a[l]) < 0 ? a[r++] : a[l++]
			while (l < m)
				tmp[o++] = a[l++]
			while (r < h)
				tmp[o++] = a[r++]
		}
		for (i = 0; i < n; i++)
			a[i] = tmp[i]
	}
}

function wclose(f) {
	if (close(f) != 0)
		die("flowtag: " out ": write error")
}

# report -- merge the raw keys by name, tag them, sort, write the files
function report(   k, c, t, flows, tagged, untagged, records, cmd, sorted, ppf,
    unf, tagf, i, n, order, hi, lo, seen, piped) {
	if (nalias)
		for (k in alias) {
			cnt[alias[k]] += cnt[k]
			delete cnt[k]
		}
	# 3pc against the numbers without keyword in a (count, port) tie: after
	# them all if there is one of 114..255 and none of 61..99, else before
	# them all. With both kinds the rule goes round (63 < 243 < 3pc < 63);
	# flowtag's sort, given the keys by protocol number, then mostly keeps
	# 3pc first, but that is not certain
	if (n3) {
		for (k in hinum)
			hi[cnt[k] " " hinum[k]] = 1
		for (k in lonum)
			lo[cnt[k] " " lonum[k]] = 1
		for (k in threepc)
			if ((cnt[k] " " threepc[k]) in hi && !((cnt[k] " " threepc[k]) in lo))
				sub(/\t0000\t/, "\t0256\t", info[k])
	}
	sorted = tmpp "pp.sorted"
	cmd = "LC_ALL=C sort -t '\t' -k1,1nr -k2,2n -k3,3 >" shq(sorted)
	printf "" > sorted
	close(sorted)
	for (k in cnt) {
		c = cnt[k]
		piped = 1
		print c "\t" info[k] c | cmd
	}
	if (piped && close(cmd) != 0)
		die("flowtag.awk: sort failed")

	# the sorted table: the two port/protocol files, and the tags in the
	# order flowtag meets them
	ppf = tmpp "port_protocol_counts.csv"
	unf = tmpp "untagged_flows.csv"
	print "Port,Protocol,Count" > ppf
	print "Port,Protocol,Count" > unf
	order[n++] = "Untagged"
	seen["Untagged"] = 1
	tc["Untagged"] = 0
	FS = "\t"
	while ((getline < sorted) > 0) {
		print $5 > ppf
		flows += $1
		tc[t = $4] += $1
		if (t == "Untagged")
			print $5 > unf
		else if (!(t in seen)) {
			seen[t] = 1
			order[n++] = t
		}
	}
	close(sorted)
	wclose(ppf)
	wclose(unf)
	msort(order, n)
	tagf = tmpp "tag_counts.csv"
	print "Tag,Count" > tagf
	for (i = 0; i < n; i++) {
		t = order[i]
		print csv(t) "," tc[t] > tagf
		if (t == "Untagged")
			untagged += tc[t]
		else
			tagged += tc[t]
	}
	wclose(tagf)
	records = NR - skipped
	printf "Totals:\nMetric,Value\nrecords,%d\nflows,%d\ntagged,%d\nuntagged,%d\nnodata,%d\nmalformed,%d\n", \
	    records, flows, tagged, untagged, nodata, malformed > (tmpp "totals")
	wclose(tmpp "totals")
	wclose(errf)

	# output.csv from the pieces, then all five into place
	cmd = "cd " shq(out) " && { echo 'Tag Counts:' && cat .flowtag-awk.tag_counts.csv && echo &&" \
	    " echo 'Port/Protocol Combination Counts:' && cat .flowtag-awk.port_protocol_counts.csv && echo &&" \
	    " echo 'Untagged Flows:' && cat .flowtag-awk.untagged_flows.csv && echo &&" \
	    " cat .flowtag-awk.totals; } >.flowtag-awk.output.csv &&" \
	    " for f in output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv error.log; do" \
	    " mv -f .flowtag-awk.$f $f || exit 1; done && rm -f .flowtag-awk.totals .flowtag-awk.pp.sorted"
	if (system(cmd) != 0) {
		cleanup()
		print "flowtag: " out ": cannot write the outputs" > "/dev/stderr"
		exit 1
	}
}

# protocols -- pname[0..255]: IANA keyword, lowercased, spaces to '-', or
# the number itself; pnum[keyword] = number; ord[c] for quote()
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
			nokw[i] = 1
		}
	}
	pnum["iptm"] = 84
	for (i = 1; i < 128; i++)
		ord[sprintf("%c", i)] = i
}
