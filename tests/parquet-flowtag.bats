#!/usr/bin/env bats
# Parquet flow logs through flow-parse's engine and flowtag.sh: the same
# tables as the same records in text, whatever the writer, codec, page
# version or number of workers (fixtures and their text twins: tests/pq/)

bats_require_minimum_version 1.5.0
load test_helper

PQ="$BATS_TEST_DIRNAME/pq"
CSVS="output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv"

# twin FIXTURE -- the text log written with FIXTURE by the same generator
twin() {
	case $1 in
	duckdb-*) echo "$PQ/duckdb.log" ;;
	arrow-*) echo "$PQ/arrow.log" ;;
	parquetjs-*) echo "$PQ/parquetjs.log" ;;
	small-*) echo "$PQ/small.log" ;;
	esac
}

@test "flowtag.sh on Parquet equals flowtag.sh on the same records in text, every writer and codec" {
	local f name n=0
	cp "$FIX/sample/lookup_table.csv" .
	printf 'dstport,protocol,tag\n80,tcp,web\n53,udp,dns\n443,6,https\n' > lk.csv
	for f in "$PQ"/duckdb-*.parquet "$PQ"/arrow-*.parquet "$PQ"/parquetjs-*.parquet \
		"$PQ"/small-duckdb.parquet "$PQ"/small-duckdb-v2.parquet "$PQ"/small-gzip.parquet \
		"$PQ"/small-none.parquet "$PQ"/small-snappy.parquet "$PQ"/small-delta-bytes.parquet; do
		name=${f##*/}
		rm -rf t p1 p2
		run -0 flowtag.sh -q -l lk.csv -o t "$(twin "$name")"
		run -0 flowtag.sh -q -l lk.csv -j 1 -o p1 "$f"
		run -0 flowtag.sh -q -l lk.csv -j 2 -o p2 "$f" "$f"
		for c in $CSVS; do same_file "t/$c" "p1/$c"; done
		# twice the file: twice every count
		[ "$(sed -n 's/^flows,//p' p2/output.csv)" -eq $((2 * $(sed -n 's/^flows,//p' t/output.csv))) ]
		n=$((n + 1))
	done
	[ "$n" -ge 12 ]
	[ "$(sed -n 's/^malformed,//p' t/output.csv)" -gt 0 ]
	[ "$(sed -n 's/^nodata,//p' t/output.csv)" -gt 0 ]
}

@test "flow-parse on Parquet: -f and -m read the columns they name; row numbers in messages" {
	local f=$PQ/duckdb-gzip.parquet t=$PQ/duckdb.log
	run -0 --separate-stderr flow-parse -c -m bytes "$f"
	same_text "$(flow-parse -c -m bytes "$t" 2>/dev/null)" "$output"
	run -0 --separate-stderr flow-parse -c -f dstport,protocol,action "$f"
	same_text "$(flow-parse -c -f dstport,protocol,action "$t" 2>/dev/null)" "$output"
	# a message names the row, counted from 1 over every row group; the
	# text twin has a header line before its first record
	run -0 --separate-stderr flow-parse -c "$f"
	local line
	line=$(flow-parse -c "$t" 2>&1 >/dev/null | sed -n '1s/^flow-parse: [^:]*:\([0-9]*\):.*/\1/p')
	[[ "${stderr_lines[0]}" == "flow-parse: $f:$((line - 1)): "* ]]
	# a field the file has no column for
	run -1 --separate-stderr flow-parse -f dstport,pkt-srcaddr "$f"
	same_text "flow-parse: $f:1: field 'pkt-srcaddr' is not in the log format" "$stderr"
}

@test "flow-parse on Parquet: unsupported codecs and encodings, damaged files, standard input" {
	run -1 --separate-stderr flow-parse -c "$PQ/small-zstd.parquet"
	same_text "flow-parse: $PQ/small-zstd.parquet: Parquet: codec ZSTD not supported" "$stderr"
	run -1 --separate-stderr flow-parse -c "$PQ/small-lz4.parquet"
	same_text "flow-parse: $PQ/small-lz4.parquet: Parquet: codec LZ4_RAW not supported" "$stderr"
	run -1 --separate-stderr flow-parse -c "$PQ/small-bss.parquet"
	[[ "$stderr" == "flow-parse: $PQ/small-bss.parquet: Parquet: encoding BYTE_STREAM_SPLIT not supported"* ]]
	for f in "$PQ"/bad-*.parquet; do
		run -1 --separate-stderr flow-parse -c -j 2 "$f"
		[[ "${stderr_lines[-1]}" == "flow-parse: $f: Parquet: "* ]]
		[ -z "$output" ]
	done
	run -1 --separate-stderr flow-parse -c - < "$PQ/small-gzip.parquet"
	same_text "flow-parse: -: Parquet: cannot be read from a pipe or standard input (name the file)" "$stderr"
	# a truncated copy: the footer is gone
	head -c 1000 "$PQ/duckdb-gzip.parquet" > cut.parquet
	run -1 --separate-stderr flow-parse -c cut.parquet
	[[ "$stderr" == "flow-parse: cut.parquet: "* ]]
}
