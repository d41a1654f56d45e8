#!/usr/bin/env bats
# The map/reduce recipe with GNU parallel: count pieces of a log with
# flow-parse -c, merge the partial tables with flow-count -s, and the
# result equals one whole run (and flowtag.sh's outputs once tagged).

bats_require_minimum_version 1.5.0
load test_helper

FF="$BATS_TEST_DIRNAME/fixtures/features"

setup() {
	mkdir "$BATS_TEST_TMPDIR/work" && cd "$BATS_TEST_TMPDIR/work" || return 1
	# GNU parallel, not the moreutils one (which has no --pipepart)
	if ! command -v parallel > /dev/null || ! parallel --version 2> /dev/null | grep -q 'GNU parallel'; then
		skip "GNU parallel not installed"
	fi
	# no citation notice, no state in the real HOME
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME/.parallel" && touch "$HOME/.parallel/will-cite"
	make_big_log big.log 50000
}

@test "parallel --pipepart: flow-parse -c per block, merged by flow-count -s, equals flow-parse -c LOG" {
	flow-parse -c big.log > whole.out 2> /dev/null
	parallel --will-cite --pipepart -a big.log --block 100k -k 'flow-parse -c' > partial.out 2> /dev/null
	flow-count -s < partial.out > merged.out
	same_file whole.out merged.out
	# it really was split: the partial tables repeat keys
	[ "$(wc -l < partial.out)" -gt "$(wc -l < whole.out)" ]
	[ "$(wc -l < whole.out)" -gt 1000 ]
	# and the merged table is flow-parse | flow-count too
	flow-parse big.log 2> /dev/null | flow-count > pipe.out
	same_file pipe.out merged.out
}

@test "parallel --pipepart with -m bytes: summed per block, merged, equals the whole" {
	flow-parse -c -m bytes big.log > whole.out 2> /dev/null
	parallel --will-cite --pipepart -a big.log --block 100k -k 'flow-parse -c -m bytes' 2> /dev/null |
		flow-count -s > merged.out
	same_file whole.out merged.out
}

@test "parallel per file: flow-parse -c {} over the parts, merged, equals the whole" {
	mkdir parts
	split -l 7000 big.log parts/p.
	[ "$(ls parts | wc -l)" -eq 8 ]
	flow-parse -c big.log > whole.out 2> /dev/null
	parallel --will-cite 'flow-parse -c {}' ::: parts/* 2> /dev/null | flow-count -s > merged.out
	same_file whole.out merged.out
	# gzipped parts too
	need gzip
	gzip parts/*
	parallel --will-cite 'flow-parse -c {}' ::: parts/*.gz 2> /dev/null | flow-count -s > merged.gz.out
	same_file whole.out merged.gz.out
}

@test "parallel: the merged table tagged with flow-tag / flow-untagged equals flowtag.sh's outputs" {
	# the range fixture without its catch-all row, so some flows stay untagged
	sed '/^\*,\*,/d' "$FF/ranges.csv" > lookup.csv
	printf '%s\n' '30000-30999,tcp,r30k' '31000-31499,udp,r31k' '35000,*,p35k' '*,gre,gre-any' >> lookup.csv
	mkdir out
	run -0 flowtag.sh -q -l lookup.csv -o out big.log
	parallel --will-cite --pipepart -a big.log --block 100k -k 'flow-parse -c' 2> /dev/null |
		flow-count -s > merged.tsv
	{ echo Port,Protocol,Count; tr '\t' , < merged.tsv; } > pp.csv
	same_file out/port_protocol_counts.csv pp.csv
	flow-tag -l lookup.csv merged.tsv > tagged.tsv
	{ echo Port,Protocol,Count; flow-untagged tagged.tsv | tr '\t' ,; } > untagged.csv
	same_file out/untagged_flows.csv untagged.csv
	[ "$(wc -l < untagged.csv)" -gt 1 ]
	# the tag counts: sum the counts per tag (Untagged always present)
	{ printf 'Untagged\t0\n'; awk -F '\t' '{ print $4 "\t" $3 }' tagged.tsv; } | flow-count -s |
		{ echo Tag,Count; tr '\t' ,; } > tags.csv
	same_file out/tag_counts.csv tags.csv
	[ "$(wc -l < tags.csv)" -gt 5 ]
}
