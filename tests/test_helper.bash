# test_helper.bash -- shared setup for the flowtag bats suites.
#
# Puts the freshly built programs first on PATH: $FLOWTAG_BIN if set (for
# example build-asan/bin), else the in-place builds under cmd/.  The repo
# root goes on PATH too, for flowtag.sh.  Tests read fixtures from
# tests/fixtures, compare with tests/expected, and write only below
# $BATS_TEST_TMPDIR: each test starts in its own empty directory
# $BATS_TEST_TMPDIR/work (bats itself keeps files in $BATS_TEST_TMPDIR).

FLOWTAG_ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
FIX="$BATS_TEST_DIRNAME/fixtures"
EXP="$BATS_TEST_DIRNAME/expected"

if [ -n "${FLOWTAG_BIN:-}" ]; then
	PATH="$FLOWTAG_BIN:$FLOWTAG_ROOT:$PATH"
else
	PATH="$FLOWTAG_ROOT/cmd/flow-parse:$FLOWTAG_ROOT/cmd/flow-tag:$FLOWTAG_ROOT/cmd/flow-count:$FLOWTAG_ROOT/cmd/flow-untagged:$FLOWTAG_ROOT:$PATH"
fi
export PATH LC_ALL=C
# flow-parse -j N starts its workers as the input calls for them (small
# input: one); the tests start them all at once, so that small fixtures run
# on N threads (sched.bats runs both ways)
export FLOW_PARSE_SPAWN=0

setup() {
	mkdir "$BATS_TEST_TMPDIR/work" && cd "$BATS_TEST_TMPDIR/work"
}

# same_file EXPECTED ACTUAL -- byte-for-byte equality, with a diff on failure
same_file() {
	if ! cmp -s "$1" "$2"; then
		echo "files differ: $1 $2" >&2
		diff -u "$1" "$2" >&2 || true
		return 1
	fi
}

# same_text EXPECTED_STRING ACTUAL_STRING -- equality, showing both on failure
same_text() {
	if [ "$1" != "$2" ]; then
		printf 'expected:\n%s\n--- got:\n%s\n' "$1" "$2" >&2
		return 1
	fi
}

# flowline DSTPORT PROTOCOL [LOGSTATUS] -- one default-format (v2) record
flowline() {
	printf '2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 %s %s 1 100 1620140761 1620140821 ACCEPT %s\n' \
		"$1" "$2" "${3:-OK}"
}

# make_big_log FILE N -- a deterministic N-line log with flows of varied
# keys, plus comments, blank lines, nodata, malformed and unassigned
# protocol lines scattered through it
make_big_log() {
	awk -v n="$2" 'BEGIN {
		split("6 17 1 6 6 17 58 47", pr, " ")
		for (i = 1; i <= n; i++) {
			if (i % 997 == 0)      print "# comment " i
			else if (i % 499 == 0) print ""
			else if (i % 331 == 0) printf "2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 %d 6 1 100 1620140761 1620140821 ACCEPT\n", i % 70000
			else if (i % 223 == 0) printf "2 123456789012 eni-1 - - - - - - - 1620140761 1620140821 - NODATA\n"
			else if (i % 101 == 0) printf "2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 %d %d 1 100 1620140761 1620140821 ACCEPT OK\n", i % 50, 200 + (i % 3)
			else printf "2 123456789012 eni-1 10.0.0.%d 10.0.0.2 %d %d %s 1 100 1620140761 1620140821 ACCEPT OK\n", i % 250, 30000 + i % 20000, (i * 7919) % 1500, pr[1 + i % 8]
		}
	}' > "$1"
}

# to_files CMD... -- run CMD with stdout to ./out and stderr to ./err, for
# byte-exact comparisons (use as: run -0 to_files flow-parse x.log)
to_files() {
	"$@" > out 2> err
}

# need TOOL... -- skip the test with one line, "TOOL not installed", unless
# every TOOL is on PATH (a fresh machine has make, cc and bats only;
# .ci/run installs the rest and fails on any skip)
need() {
	local t
	for t; do
		command -v "$t" > /dev/null 2>&1 || skip "$t not installed"
	done
}

# need_dev_full -- skip the test with one line unless /dev/full, the
# device whose every write fails with ENOSPC, exists
need_dev_full() {
	[ -c /dev/full ] || skip "/dev/full not available"
}
