# ref.awk -- the reference side of tests/filter.bats, in plain awk: which
# lines are records (set nf, the format's field count, and dp and pr, the
# columns of dstport and protocol), addresses as bit strings, RFC 3339
# times as epoch seconds by counting days.

# rec -- a record that is not malformed
function rec() {
	return NF == nf && $1 !~ /^#/ && tolower($1) != "version" &&
	    ($dp == "-" || (isnum($dp) && $dp + 0 <= 65535)) &&
	    ($pr == "-" || (isnum($pr) && $pr + 0 <= 255))
}

function isnum(x) {
	return x ~ /^[0-9]+$/
}

function tobits(v, w,   i, s) {
	s = ""
	for (i = w - 1; i >= 0; i--)
		s = s (int(v / 2 ^ i) % 2)
	return s
}

function hexbits(g,   i, v) {
	v = 0
	for (i = 1; i <= length(g); i++)
		v = v * 16 + index("0123456789abcdef", tolower(substr(g, i, 1))) - 1
	return tobits(v, 16)
}

# bits -- "4" or "6", then the address's bits
function bits(a,   p, i, k, s, left, right, nl, nr, L, R) {
	if (index(a, ":") == 0) {
		split(a, p, ".")
		s = "4"
		for (i = 1; i <= 4; i++)
			s = s tobits(p[i] + 0, 8)
		return s
	}
	i = index(a, "::")
	if (i) {
		left = substr(a, 1, i - 1)
		right = substr(a, i + 2)
	} else {
		left = a
		right = ""
	}
	nl = left == "" ? 0 : split(left, L, ":")
	nr = right == "" ? 0 : split(right, R, ":")
	s = "6"
	for (k = 1; k <= nl; k++)
		s = s hexbits(L[k])
	for (k = 0; k < 8 - nl - nr; k++)
		s = s tobits(0, 16)
	for (k = 1; k <= nr; k++)
		s = s hexbits(R[k])
	return s
}

# inpfx -- address a (not "-") is in one of the comma-separated prefixes
function inpfx(a, list,   n, P, i, q, len, A, B) {
	n = split(list, P, ",")
	A = bits(a)
	for (i = 1; i <= n; i++) {
		split(P[i], q, "/")
		B = bits(q[1])
		len = (2 in q) ? q[2] + 0 : (substr(B, 1, 1) == "4" ? 32 : 128)
		if (substr(A, 1, 1) == substr(B, 1, 1) && substr(A, 2, len) == substr(B, 2, len))
			return 1
	}
	return 0
}

function leap(y) {
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

# epoch -- YYYY-MM-DDTHH:MM:SS[.F](Z|+HH:MM|-HH:MM), years from 1970,
# the fraction left out
function epoch(s,   y, mo, d, days, m, rest, off) {
	split("31 28 31 30 31 30 31 31 30 31 30 31", md, " ")
	y = substr(s, 1, 4) + 0
	mo = substr(s, 6, 2) + 0
	d = substr(s, 9, 2) + 0
	rest = substr(s, 20)
	sub(/^\.[0-9]+/, "", rest)
	off = 0
	if (rest ~ /^[-+]/) {
		off = (substr(rest, 2, 2) * 60 + substr(rest, 5, 2)) * 60
		if (substr(rest, 1, 1) == "-")
			off = -off
	}
	days = 0
	for (m = 1970; m < y; m++)
		days += leap(m) ? 366 : 365
	for (m = 1; m < mo; m++)
		days += md[m] + (m == 2 && leap(y))
	days += d - 1
	return days * 86400 + substr(s, 12, 2) * 3600 + substr(s, 15, 2) * 60 + substr(s, 18, 2) - off
}
