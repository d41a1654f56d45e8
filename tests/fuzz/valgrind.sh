#!/bin/sh
# valgrind.sh [BATS ARGS] -- run the bats suite once with every filter under
# valgrind (memcheck, no leak check): FLOWTAG_BIN points at wrapper scripts
# that exec valgrind on the real binaries in cmd/. Each valgrind writes its
# report to a log of its own (stderr stays the program's, so the tests that
# compare messages still hold); any non-empty log is a failure. Needs
# `make` first.
# Default arguments: the whole tests/ directory.
set -u
cd "$(dirname "$0")/../.." || exit 1

command -v valgrind >/dev/null 2>&1 || { echo "valgrind.sh: valgrind not found" >&2; exit 1; }
for p in flow-parse flow-count flow-tag flow-untagged; do
	[ -x "cmd/$p/$p" ] || { echo "valgrind.sh: cmd/$p/$p: not built (run make)" >&2; exit 1; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/flowtag-vg.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$dir/bin" "$dir/real" "$dir/log"
# the wrappers run as other users too (hostile.bats drops to nobody)
chmod 755 "$dir" "$dir/bin" "$dir/real"
chmod 1777 "$dir/log"
for p in flow-parse flow-count flow-tag flow-untagged; do
	# a copy: a rebuild in cmd/ during the run must not pull the binary away
	cp "cmd/$p/$p" "$dir/real/$p" || exit 1
	cat >"$dir/bin/$p" <<EOF
#!/bin/sh
exec valgrind --error-exitcode=1 -q --leak-check=no --log-file='$dir/log/$p.%p' '$dir/real/$p' "\$@"
EOF
	chmod 755 "$dir/bin/$p"
done

[ $# -gt 0 ] || set -- tests
start=$(date +%s)
# the files shared out among the cores where GNU parallel is there for bats
# (the tests of one file in turn, as they are written)
jobs=
if parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	n=$(getconf _NPROCESSORS_ONLN 2>/dev/null) || n=1
	case $n in ''|*[!0-9]*) n=1 ;; esac
	[ "$n" -le 1 ] || jobs="--jobs $n --no-parallelize-within-files"
fi
# shellcheck disable=SC2086 # jobs is words
FLOWTAG_BIN=$dir/bin bats $jobs "$@"
st=$?
end=$(date +%s)

bad=0
for f in "$dir"/log/*; do
	[ -s "$f" ] || continue
	bad=$((bad + 1))
	echo "valgrind.sh: ${f##*/}:" >&2
	cat "$f" >&2
done
runs=$(find "$dir/log" -type f | wc -l | tr -d ' ')
echo "valgrind.sh: $runs program runs under valgrind, $bad with errors, bats exit $st, $((end - start)) s"
[ "$st" -eq 0 ] && [ "$bad" -eq 0 ]
