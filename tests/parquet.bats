#!/usr/bin/env bats
# parquet.bats -- the Parquet reader (lib/parquet.c, lib/snappy.c) through
# tests/pq/pqtest: the fixtures of tests/pq (made by tests/pq/gen/gen.cjs
# with DuckDB, parquet-wasm and parquetjs) read as the text logs beside
# them, the columns found by name, the codecs and encodings not supported
# and damaged files with their exact messages, and every truncation and
# changed byte of small files.

bats_require_minimum_version 1.5.0
load test_helper

PQ="$BATS_TEST_DIRNAME/pq"
# the sanitizer build's pqtest where there is one (make asan), else this one
if [ -n "${FLOWTAG_BIN:-}" ] && [ -x "$FLOWTAG_BIN/pqtest" ]; then
	PQTEST="$FLOWTAG_BIN/pqtest"
else
	PQTEST="$FLOWTAG_ROOT/tests/pq/pqtest"
fi
SMALL="dstport protocol log-status"

# same_as_log FIXTURE LOG [PQTEST OPTIONS...] -- the fixture's text (every
# column of the log's header, in its order) is the log, byte for byte
same_as_log() {
	local f=$1 log=$2
	shift 2
	run -0 to_files "$PQTEST" -c "$(head -n 1 "$PQ/$log")" "$@" "$PQ/$f"
	same_file "$PQ/$log" out
	[ ! -s err ]
}

@test "pqtest: DuckDB's files (GZIP, SNAPPY, UNCOMPRESSED, pages v1 and v2) read as their log" {
	for f in duckdb-gzip duckdb-snappy duckdb-none duckdb-v2; do
		same_as_log "$f.parquet" duckdb.log
	done
}

@test "pqtest: parquet-wasm's files (dictionaries falling back to PLAIN, PLAIN only, v1 and v2) read as their log" {
	for f in arrow-gzip-v1 arrow-snappy-v2 arrow-plain-v2 arrow-plain-v1; do
		same_as_log "$f.parquet" arrow.log
	done
}

@test "pqtest: parquetjs's files (pages v1 and v2) read as their log" {
	for f in parquetjs-gzip-v1 parquetjs-snappy-v2; do
		same_as_log "$f.parquet" parquetjs.log
	done
}

@test "pqtest: the small files of every writer read as their log" {
	for f in small-none small-snappy small-gzip small-delta-bytes small-duckdb small-duckdb-v2; do
		same_as_log "$f.parquet" small.log
	done
}

@test "pqtest: integers annotated unsigned read unsigned, the extremes of INT32 and INT64 signed" {
	same_as_log small-uint.parquet small-uint.log
}

@test "pqtest: the row groups, as the writers cut them" {
	run -0 "$PQTEST" -n -c dstport "$PQ/duckdb-gzip.parquet"
	same_text "$(printf 'dstport\n0 2048\n1 2048\n2 204')" "$output"
	run -0 "$PQTEST" -n -c dstport "$PQ/arrow-gzip-v1.parquet"
	same_text "$(printf 'dstport\n0 400\n1 400\n2 400\n3 300')" "$output"
}

@test "pqtest: a room of one row at a time, groups backwards and interleaved give the same text" {
	# the longest rows: 144 bytes (duckdb.log), 209 (arrow.log), with the newline
	same_as_log duckdb-gzip.parquet duckdb.log -r 144
	same_as_log duckdb-v2.parquet duckdb.log -r 144 -o i
	same_as_log arrow-gzip-v1.parquet arrow.log -r 209 -o r
	same_as_log arrow-snappy-v2.parquet arrow.log -r 300 -o i
	same_as_log parquetjs-snappy-v2.parquet parquetjs.log -r 209 -o i
}

@test "pqtest -o t: two threads reading the groups of one open file at once give the same text" {
	same_as_log duckdb-gzip.parquet duckdb.log -o t -r 1000
	same_as_log duckdb-v2.parquet duckdb.log -o t
	same_as_log arrow-snappy-v2.parquet arrow.log -o t -r 500
	same_as_log parquetjs-gzip-v1.parquet parquetjs.log -o t
	run -1 to_files "$PQTEST" -c "$SMALL" -o t "$PQ/bad-dictindex.parquet"
	same_text "pqtest: $PQ/bad-dictindex.parquet: Parquet: dictionary index 1 out of range in column log-status, row group 0" "$(cat err)"
}

@test "pqtest: a row longer than an empty room is an error naming the row" {
	run -1 to_files "$PQTEST" -c "$(head -n 1 "$PQ/duckdb.log")" -r 143 "$PQ/duckdb-gzip.parquet"
	same_text "pqtest: $PQ/duckdb-gzip.parquet: Parquet: row 919 longer than the room for it (143 bytes) in row group 1" "$(cat err)"
}

@test "pqtest: columns by their text names (_ read as -, any case), once each, an integer column first" {
	# log-status first in the list: the line starts with dstport all the same
	run -0 to_files "$PQTEST" -c "LOG_STATUS dstport log-status Protocol nosuch pkt-srcaddr" \
	    "$PQ/arrow-gzip-v1.parquet"
	same_text "dstport LOG_STATUS Protocol pkt-srcaddr" "$(head -n 1 out)"
	awk 'NR > 1 { print $7, $14, $8, $20 }' "$PQ/arrow.log" > want
	tail -n +2 out > got
	same_file want got
	# no column found: an empty header, no rows
	run -0 "$PQTEST" -c "nosuch other" "$PQ/duckdb-gzip.parquet"
	same_text "" "$output"
}

@test "pqtest: nulls are -, and the records AWS writes without a flow keep their fields" {
	run -0 "$PQTEST" -c "dstport protocol srcaddr log-status" "$PQ/duckdb-snappy.parquet"
	# NODATA and SKIPDATA records, a null port, a null protocol, a port of 70000, protocol -6
	grep -q '^- - - NODATA$' <<< "$output"
	grep -q '^- - - SKIPDATA$' <<< "$output"
	grep -q '^- [0-9]* 10\.[0-9.]* OK$' <<< "$output"
	grep -q '^[0-9]* - 10\.[0-9.]* OK$' <<< "$output"
	grep -q '^70000 ' <<< "$output"
	grep -q '^[0-9]* -6 ' <<< "$output"
}

@test "pqtest: codecs and encodings not supported: the exact message, exit 1" {
	run -1 to_files "$PQTEST" -c "$SMALL" "$PQ/small-zstd.parquet"
	same_text "pqtest: $PQ/small-zstd.parquet: Parquet: codec ZSTD not supported" "$(cat err)"
	run -1 to_files "$PQTEST" -c "$SMALL" "$PQ/small-lz4.parquet"
	same_text "pqtest: $PQ/small-lz4.parquet: Parquet: codec LZ4_RAW not supported" "$(cat err)"
	run -1 to_files "$PQTEST" -c "$SMALL" "$PQ/small-bss.parquet"
	same_text "pqtest: $PQ/small-bss.parquet: Parquet: encoding BYTE_STREAM_SPLIT not supported in column dstport, row group 0" "$(cat err)"
	# a column not wanted is never looked at: its codec or encoding is no error
	run -0 to_files "$PQTEST" -c "protocol log-status" "$PQ/small-bss.parquet"
}

@test "pqtest: damaged files from the generator: the exact message, exit 1" {
	run -1 to_files "$PQTEST" -c "$SMALL" "$PQ/bad-offset.parquet"
	same_text "pqtest: $PQ/bad-offset.parquet: Parquet: column dstport of row group 1 lies outside the file's data (offset 6990, 91 bytes)" "$(cat err)"
	run -1 to_files "$PQTEST" -c "$SMALL" "$PQ/bad-pagesize.parquet"
	same_text "pqtest: $PQ/bad-pagesize.parquet: Parquet: page size beyond the column chunk at byte 573 of the file in column log-status, row group 2" "$(cat err)"
	run -1 to_files "$PQTEST" -c "$SMALL" "$PQ/bad-dictindex.parquet"
	same_text "pqtest: $PQ/bad-dictindex.parquet: Parquet: dictionary index 1 out of range in column log-status, row group 0" "$(cat err)"
	run -1 to_files "$PQTEST" -c "$SMALL" "$PQ/bad-columns.parquet"
	same_text "pqtest: $PQ/bad-columns.parquet: Parquet: row group 0 has 2 columns, the schema 3" "$(cat err)"
}

@test "pqtest: damaged here: truncated, no magic, a footer length beyond the file, a bad Thrift type" {
	f="$PQ/small-none.parquet"
	n=$(wc -c < "$f")
	head -c $((n - 1)) "$f" > cut.parquet
	run -1 "$PQTEST" -c "$SMALL" cut.parquet
	same_text "pqtest: cut.parquet: Parquet: bad magic" "$output"
	: > empty.parquet
	run -1 "$PQTEST" -c "$SMALL" empty.parquet
	same_text "pqtest: empty.parquet: Parquet: file too short (0 bytes)" "$output"
	run -1 "$PQTEST" -c "$SMALL" "$PQ/small.log"
	same_text "pqtest: $PQ/small.log: Parquet: bad magic" "$output"
	# the footer's length (the 4 bytes before the closing PAR1) made huge
	cp "$f" long.parquet
	printf '\377\377\377\177' | dd of=long.parquet bs=1 seek=$((n - 8)) conv=notrunc 2> /dev/null
	run -1 "$PQTEST" -c "$SMALL" long.parquet
	same_text "pqtest: long.parquet: Parquet: footer length beyond the file" "$output"
	# the footer's first field header given type 14, which Thrift lacks
	flen=$(od -An -tu4 -j $((n - 8)) -N 4 "$f" | tr -d ' ')
	cp "$f" type.parquet
	printf '\036' | dd of=type.parquet bs=1 seek=$((n - 8 - flen)) conv=notrunc 2> /dev/null
	run -1 "$PQTEST" -c "$SMALL" type.parquet
	same_text "pqtest: type.parquet: Parquet: bad file metadata (Thrift) at byte 1 of the footer" "$output"
}

@test "pqtest -x: every truncation and changed byte of small files fails with a message or reads whole rows" {
	for f in small-none small-snappy small-gzip small-delta-bytes small-duckdb small-duckdb-v2; do
		run -0 "$PQTEST" -x -c "$SMALL" "$PQ/$f.parquet"
		[[ "$output" == *", 0 violations" ]]
	done
}
