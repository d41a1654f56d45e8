#!/usr/bin/env bats
# Directories and file lists: a directory stands for every regular file
# below it (sorted by name at each level, hidden names and symbolic links
# left out); --files-from LIST (--null) names more files than a command
# line holds.

bats_require_minimum_version 1.5.0
load test_helper

# tree -- an S3-like tree: nested dates, plain and gzip files, a header
# line, hidden files and directories, a symbolic link loop
tree() {
	local d
	make_big_log base.log 1200
	mkdir -p logs/AWSLogs/1/vpcflowlogs/us-east-1/2026/11/01 logs/AWSLogs/1/vpcflowlogs/us-east-1/2026/11/02 \
		logs/.hidden logs/AWSLogs/1/vpcflowlogs/us-east-1/2026/11/.tmp
	d=logs/AWSLogs/1/vpcflowlogs/us-east-1/2026/11
	sed -n '1,300p' base.log > "$d/01/a_0000.log"
	sed -n '301,600p' base.log | gzip -c > "$d/01/a_0005.log.gz"
	{ echo "version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status account-id interface-id"
	  sed -n '601,900p' base.log | awk 'NF == 14 { print $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $2, $3; next } { print }'
	} | gzip -c > "$d/02/b 0000.log.gz"
	sed -n '901,1200p' base.log > "$d/02/b_0005.log"
	cp base.log logs/.hidden/x.log
	cp base.log "$d/.tmp/y.log"
	cp base.log "$d/02/.partial.log"
	ln -s ../.. "$d/02/loop"
	ln -s ../01/a_0000.log "$d/02/link.log"
	# the files a walk reads, in its order
	printf '%s\n' "$d/01/a_0000.log" "$d/01/a_0005.log.gz" "$d/02/b 0000.log.gz" "$d/02/b_0005.log" > want.list
}

@test "a directory: every regular file below it, sorted, hidden ones and links left out" {
	command -v gzip > /dev/null || skip "gzip not installed"
	tree
	local -a files
	mapfile -t files < want.list
	flow-parse -c -T t.named "${files[@]}" > named.out 2> named.err
	for n in 1 3; do
		run -0 --separate-stderr flow-parse -c -j "$n" -T t.dir logs
		same_text "$(cat named.out)" "$output"
		same_text "$(cat named.err)" "$stderr"
		same_file t.named t.dir
	done
	# the messages name the files as found: the directory's path joined
	grep -q '^flow-parse: logs/AWSLogs/1/vpcflowlogs/us-east-1/2026/11/01/a_0000.log:101: ' named.err
	# a directory operand among files, with a trailing slash
	run -0 --separate-stderr flow-parse -c logs/ "${files[0]}"
	same_text "$(flow-parse -c "${files[@]}" "${files[0]}" 2>/dev/null)" "$output"
}

@test "flowtag.sh DIR equals flowtag.sh with the files named one by one" {
	command -v gzip > /dev/null || skip "gzip not installed"
	tree
	local -a files
	mapfile -t files < want.list
	cp "$FIX/sample/lookup_table.csv" .
	run -0 flowtag.sh -q -o named "${files[@]}"
	run -0 flowtag.sh -q -o dir logs
	for f in output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv error.log; do
		same_file "named/$f" "dir/$f"
	done
	run -0 flowtag.sh -q -o list --files-from want.list
	same_file named/output.csv list/output.csv
	same_file named/error.log list/error.log
}

@test "--files-from: one name a line, in order, '-' standard input; --null for any name" {
	command -v gzip > /dev/null || skip "gzip not installed"
	tree
	local -a files
	mapfile -t files < want.list
	flow-parse -c "${files[@]}" > named.out 2> named.err
	run -0 --separate-stderr flow-parse -c --files-from want.list
	same_text "$(cat named.out)" "$output"
	same_text "$(cat named.err)" "$stderr"
	run -0 --separate-stderr flow-parse -c -j 2 -F - < want.list
	same_text "$(cat named.out)" "$output"
	# names with a newline and spaces, NUL-separated
	mkdir odd
	cp "${files[0]}" "$(printf 'odd/new\nline.log')"
	cp "${files[1]}" "odd/two  spaces.gz"
	printf 'odd/new\nline.log\0odd/two  spaces.gz\0' > nul.list
	run -0 --separate-stderr flow-parse -c --files-from nul.list --null
	same_text "$(flow-parse -c "${files[0]}" "${files[1]}" 2>/dev/null)" "$output"
	[[ "$stderr" == *"flow-parse: odd/new"* ]]
	find odd -type f -print0 | sort -z > found.list
	run -0 --separate-stderr flow-parse -c -F - -0 < found.list
	same_text "$(flow-parse -c "${files[0]}" "${files[1]}" 2>/dev/null)" "$output"
	# operands first, then the list
	run -0 --separate-stderr flow-parse -c -F want.list "${files[3]}"
	[[ "${stderr_lines[0]}" == "flow-parse: ${files[3]}:"* ]]
	# a list that cannot be read, a listed file that is missing: fatal
	run -1 --separate-stderr flow-parse -c -F nosuch.list
	same_text "flow-parse: nosuch.list: No such file or directory" "$stderr"
	printf '%s\nnosuch.log\n' "${files[0]}" > bad.list
	run -1 --separate-stderr flow-parse -c -F bad.list
	same_text "flow-parse: nosuch.log: No such file or directory" "${stderr_lines[-1]}"
	# the list and a log cannot both be standard input
	run -2 --separate-stderr flow-parse -c -F - - < want.list
	same_text "flow-parse: --files-from - and the input - cannot both be standard input" "${stderr_lines[0]}"
}

@test "a directory that cannot be read is fatal, named by its path" {
	local d run=()
	# root reads every directory: then the run is made as nobody, from a
	# directory of its own that nobody can enter
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv > /dev/null || skip "setpriv not installed (needed to drop root)"
		d=$(mktemp -d "${TMPDIR:-/tmp}/flowtag-perm.XXXXXX")
		chmod 755 "$d"
		cp "$(command -v flow-parse)" "$d/flow-parse"
		run=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	else
		d=$PWD/perm
		mkdir "$d"
		cp "$(command -v flow-parse)" "$d/flow-parse"
	fi
	mkdir -p "$d/logs/a" "$d/logs/b"
	flowline 80 6 > "$d/logs/a/x.log"
	flowline 80 6 > "$d/logs/b/y.log"
	chmod -R a+rX "$d/logs"
	chmod 000 "$d/logs/b"
	cd "$d"
	run -1 --separate-stderr "${run[@]}" ./flow-parse -c logs
	chmod 755 logs/b
	cd - > /dev/null
	rm -rf "$d"
	same_text "flow-parse: logs/b: Permission denied" "${stderr_lines[-1]}"
	[ -z "$output" ]
}

@test "100,000 small files through --files-from - (then removed)" {
	if [ "$(head -c 2 "$(command -v flow-parse)")" = "#!" ]; then
		skip "flow-parse runs under a wrapper (valgrind): 100,000 files only in the plain build"
	fi
	mkdir many
	awk 'BEGIN {
		for (i = 0; i < 100000; i++) {
			f = sprintf("many/%03d/%06d.log", i % 500, i)
			if (i < 500) system("mkdir -p many/" sprintf("%03d", i))
			printf "2 1 eni-1 10.0.0.1 10.0.0.2 1 %d 6 1 100 1 2 ACCEPT OK\n", i % 7 + 80 > f
			close(f)
		}
	}'
	find many -type f -print0 > many.list
	run -0 --separate-stderr flow-parse -c -j 2 -T tot -F - -0 < many.list
	same_text "$(printf '80\ttcp\t14286\n81\ttcp\t14286\n82\ttcp\t14286\n83\ttcp\t14286\n84\ttcp\t14286\n85\ttcp\t14285\n86\ttcp\t14285')" "$output"
	[ -z "$stderr" ]
	grep -qx 'lines	100000' tot
	# the same as a directory
	run -0 --separate-stderr flow-parse -c -j 2 many
	same_text "$(printf '80\ttcp\t14286\n81\ttcp\t14286\n82\ttcp\t14286\n83\ttcp\t14286\n84\ttcp\t14286\n85\ttcp\t14285\n86\ttcp\t14285')" "$output"
	rm -rf many many.list
}
