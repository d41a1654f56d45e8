#!/usr/bin/env bats
# make install and make uninstall into a DESTDIR: the four programs and
# flowtag.sh in bin, the man pages in share/man/man1, flowtag.1 also as
# flowtag.sh.1 so that "man flowtag.sh" finds it; the installed flowtag.sh
# runs the installed programs.

bats_require_minimum_version 1.5.0
load test_helper

PAGES="flow-count.1 flow-parse.1 flow-tag.1 flow-untagged.1 flowtag-parallel.1 flowtag-slurm.1 flowtag.1 flowtag.sh.1"
BINS="flow-count flow-parse flow-tag flow-untagged flowtag-parallel flowtag-slurm flowtag.sh"

# install_into DIR -- make install DESTDIR=DIR PREFIX=/usr, quietly
install_into() {
	make -s -C "$FLOWTAG_ROOT" install DESTDIR="$1" PREFIX=/usr > /dev/null
}

# files DIR -- the regular files below DIR, with their modes, sorted
files() {
	(cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do
		printf '%s %s\n' "$(ls -l "$f" | cut -c 2-10)" "$f"
	done)
}

@test "make install DESTDIR=... PREFIX=/usr: programs in bin, pages in man1, flowtag.sh.1 too" {
	d=$BATS_TEST_TMPDIR/d
	install_into "$d"
	{
		for b in $BINS; do echo "rwxr-xr-x ./usr/bin/$b"; done
		for m in $PAGES; do echo "rw-r--r-- ./usr/share/man/man1/$m"; done
	} > want
	files "$d" > got
	same_file want got
	same_file "$FLOWTAG_ROOT/flowtag.1" "$d/usr/share/man/man1/flowtag.sh.1"
	for b in flow-count flow-parse flow-tag flow-untagged; do
		same_file "$FLOWTAG_ROOT/cmd/$b/$b" "$d/usr/bin/$b"
	done
}

@test "the installed flowtag.sh runs the installed programs" {
	d=$BATS_TEST_TMPDIR/d
	install_into "$d"
	version=$(sed -n 's/^VERSION = //p' "$FLOWTAG_ROOT/Makefile")
	# FLOWTAG_BIN empty and no build tree beside it: the programs beside it
	run -0 --separate-stderr env FLOWTAG_BIN= PATH=/usr/bin:/bin "$d/usr/bin/flowtag.sh" --version
	same_text "flowtag.sh $version" "$output"
	mkdir o
	run -0 --separate-stderr env FLOWTAG_BIN= PATH=/usr/bin:/bin "$d/usr/bin/flowtag.sh" -q \
		-l "$FIX/sample/lookup_table.csv" -o o "$FIX/sample/flow_logs.txt"
	same_file "$EXP/sample/output.csv" o/output.csv
	# the cluster scripts installed beside it answer for themselves
	for s in flowtag-slurm flowtag-parallel; do
		run -0 --separate-stderr env FLOWTAG_BIN= PATH=/usr/bin:/bin "$d/usr/bin/$s" --help
		[[ "${lines[0]}" == "usage: $s "* ]]
	done
}

@test "make uninstall removes what make install put, and only that" {
	d=$BATS_TEST_TMPDIR/d
	install_into "$d"
	echo keep > "$d/usr/bin/other"
	make -s -C "$FLOWTAG_ROOT" uninstall DESTDIR="$d" PREFIX=/usr
	same_text "rw-r--r-- ./usr/bin/other" "$(files "$d")"
}

@test "man renders the installed page, found as flowtag.sh and as flowtag" {
	need man
	d=$BATS_TEST_TMPDIR/d
	install_into "$d"
	# no pager, no seccomp sandbox (which some containers refuse)
	export MANPAGER=cat PAGER=cat MANWIDTH=80 MAN_DISABLE_SECCOMP=1
	run -0 --separate-stderr man -l "$d/usr/share/man/man1/flowtag.sh.1"
	[[ "${lines[0]}" == FLOWTAG* ]]
	[[ "$output" == *NAME* ]]
	page=$output
	run -0 --separate-stderr man -M "$d/usr/share/man" flowtag.sh
	same_text "$page" "$output"
	run -0 --separate-stderr man -M "$d/usr/share/man" flowtag
	same_text "$page" "$output"
}
