#!/usr/bin/env bats
# gzip.bats -- the gzip decoder (lib/inflate.c, lib/crc32.c) through
# tests/gz/gztest: the fixtures of tests/gz (made by tests/gz/mkfixtures.py),
# damaged files with their exact messages, every truncation and bit flip
# of small files, and files made here by gzip and pigz.

bats_require_minimum_version 1.5.0
load test_helper

GZ="$BATS_TEST_DIRNAME/gz"
if [ -n "${FLOWTAG_BIN:-}" ] && [ -x "$FLOWTAG_BIN/gztest" ]; then
	GZTEST="$FLOWTAG_BIN/gztest"
else
	GZTEST="$FLOWTAG_ROOT/tests/gz/gztest"
fi

# the fixtures whose content is tests/gz/log.out
LOGFILES="level1 level2 level3 level4 level5 level6 level7 level8 level9 stored fixed
	multi fname fields fhcrc padded"

@test "gztest: the fixtures decode to their content" {
	for f in $LOGFILES; do
		run -0 to_files "$GZTEST" "$GZ/$f.gz"
		same_file "$GZ/log.out" out
		[ ! -s err ]
	done
	run -0 to_files "$GZTEST" "$GZ/onedist.gz"
	same_file "$GZ/onedist.out" out
	for f in empty empty-members; do
		run -0 to_files "$GZTEST" "$GZ/$f.gz"
		[ ! -s out ]
		[ ! -s err ]
	done
}

@test "gztest: long runs and long codes (cksum of the output)" {
	for f in runs skewed; do
		run -0 sh -c '"$1" "$2" | cksum' sh "$GZTEST" "$GZ/$f.gz"
		same_text "$(cat "$GZ/$f.cksum")" "$output"
	done
}

@test "gztest: small output room and short reads give the same output" {
	for f in $LOGFILES; do
		for rs in "4096 1" "4099 7" "5000 333"; do
			set -- $rs
			run -0 to_files "$GZTEST" -r "$1" -s "$2" "$GZ/$f.gz"
			same_file "$GZ/log.out" out
		done
	done
	run -0 sh -c '"$1" -r 4096 -s 1 "$2" | cksum' sh "$GZTEST" "$GZ/runs.gz"
	same_text "$(cat "$GZ/runs.cksum")" "$output"
}

@test "gztest -m: fl_gunzip with the exact room, and one byte less" {
	for f in $LOGFILES; do
		run -0 to_files "$GZTEST" -m "$GZ/$f.gz"
		same_file "$GZ/log.out" out
	done
	run -0 to_files "$GZTEST" -m -r 9318 "$GZ/level6.gz"
	same_file "$GZ/log.out" out
	run -1 "$GZTEST" -m -r 9317 "$GZ/level6.gz"
	[[ "$output" == "gztest: $GZ/level6.gz: gzip: output larger than 9317 bytes at byte "* ]]
	run -0 to_files "$GZTEST" -m -r 0 "$GZ/empty-members.gz"
	[ ! -s out ]
	run -1 "$GZTEST" -m -r 0 "$GZ/onedist.gz"
	[[ "$output" == *"gzip: output larger than 0 bytes at byte "* ]]
}

# bad NAME MESSAGE -- the damaged fixture fails with exactly MESSAGE
bad() {
	run -1 to_files "$GZTEST" "$GZ/bad/$1.gz"
	same_text "gztest: $GZ/bad/$1.gz: gzip: $2" "$(cat err)"
}

@test "gztest: damaged members, each with its message and the byte" {
	bad truncated "truncated member at byte 221"
	bad truncated-trailer "truncated member at byte 439"
	bad truncated-header "truncated member at byte 7"
	bad crc "bad CRC-32 at byte 434"
	bad isize "bad length (ISIZE) at byte 438"
	bad garbage "trailing garbage at byte 442"
	bad padding-garbage "trailing garbage at byte 445"
	bad not-gzip "not a gzip member at byte 0"
	bad header-crc "bad header CRC at byte 10"
	bad method "unknown compression method at byte 2"
	bad flags "reserved header flags at byte 3"
	bad block-type "invalid block type at byte 10"
	bad stored-nlen "stored block length mismatch at byte 11"
	bad distance "distance beyond the data seen at byte 13"
	bad distance-member "distance beyond the data seen at byte 35"
	bad litlen-286 "invalid literal/length code at byte 12"
	bad distance-30 "invalid distance code at byte 12"
	bad distance-unused "invalid distance code at byte 24"
	bad oversubscribed "oversubscribed code at byte 23"
	bad incomplete "incomplete code at byte 22"
	bad incomplete-distance "incomplete code at byte 24"
	bad repeat-first "code lengths repeat before the first at byte 13"
	bad too-many-lengths "too many code lengths at byte 15"
	bad no-eob "no end-of-block code at byte 22"
	bad hlit "too many length or distance codes at byte 12"
}

@test "gztest: the output before an error is written, and the status is 1" {
	run -1 to_files "$GZTEST" "$GZ/bad/crc.gz"
	[ "$(wc -c < out)" -eq 1000 ]
	head -c 1000 "$GZ/log.out" | cmp -s - out
	run -1 to_files "$GZTEST" "$GZ/bad/truncated.gz"
	n=$(wc -c < out)
	[ "$n" -gt 0 ] && [ "$n" -lt 1000 ]
	head -c "$n" "$GZ/log.out" | cmp -s - out
}

@test "gztest: an empty file, and a read error" {
	: > empty
	run -1 "$GZTEST" empty
	same_text "gztest: empty: gzip: truncated member at byte 0" "$output"
	mkdir dir
	run -1 "$GZTEST" dir
	same_text "gztest: dir: gzip: Is a directory" "$output"
}

@test "gztest -x: every truncation fails, every bit flip fails or gives the same output" {
	for f in "$GZ"/small/*.gz; do
		run -0 "$GZTEST" -x -r 4096 -s 7 "$f"
		[[ "$output" == *", 0 violations" ]]
	done
	# the check can fail: a file whose last byte is beyond its end
	cat "$GZ/small/stored.gz" > padded.gz
	printf '\0' >> padded.gz
	run -1 "$GZTEST" -x padded.gz
	[[ "$output" == *"violation: truncated to "*", accepted"* ]]
}

@test "gztest -c: the CRC-32 paths agree with a bit-at-a-time reference" {
	run -0 "$GZTEST" -c
	[[ "$output" == "crc: fast path "*"; "*" cases, 0 wrong" ]]
}

@test "gzip -1 .. -9 made here decode as gzip -dc has them" {
	command -v gzip >/dev/null || skip "gzip not installed"
	make_big_log log 20000
	for l in 1 2 3 4 5 6 7 8 9; do
		gzip -"$l" -c log > log.gz
		run -0 to_files "$GZTEST" log.gz
		same_file log out
		gzip -dc log.gz > want
		same_file want out
	done
	# members from gzip, one after another, then zeros
	gzip -1 -c log > cat.gz
	gzip -9 -c "$GZ/log.out" >> cat.gz
	printf '\0\0\0\0' >> cat.gz
	cat log "$GZ/log.out" > want
	run -0 to_files "$GZTEST" -r 4097 -s 333 cat.gz
	same_file want out
}

@test "pigz output decodes" {
	command -v pigz >/dev/null || skip "pigz not installed"
	make_big_log log 20000
	pigz -c log > log.gz
	run -0 to_files "$GZTEST" log.gz
	same_file log out
	pigz -11 -c "$GZ/log.out" > z.gz
	run -0 to_files "$GZTEST" z.gz
	same_file "$GZ/log.out" out
}
