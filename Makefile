.POSIX:
.SUFFIXES:

CC = cc
CFLAGS = -O3 -g
WARN = -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -pedantic -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2
LDFLAGS =
# the engine's workers are POSIX threads
THREADS = -pthread
VERSION = 0.5.0
DEFS = -DFL_VERSION=\"$(VERSION)\"
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
DESTDIR =
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-DFL_NO_BUILTIN
BATS = bats

PROGS = cmd/flow-parse/flow-parse cmd/flow-count/flow-count cmd/flow-tag/flow-tag \
	cmd/flow-untagged/flow-untagged
MAN = cmd/flow-parse/flow-parse.1 cmd/flow-count/flow-count.1 cmd/flow-tag/flow-tag.1 \
	cmd/flow-untagged/flow-untagged.1 flowtag.1
LIBSRC = lib/err.c lib/mem.c lib/num.c lib/proto.c lib/hash.c lib/map.c lib/out.c \
	lib/rd.c lib/fmt.c lib/record.c lib/split.c lib/csv.c lib/lookup.c lib/keycmp.c lib/count.c lib/each.c \
	lib/opt.c lib/inputs.c lib/scan.c lib/sched.c lib/tally.c \
	lib/inflate.c lib/crc32.c lib/parquet.c lib/snappy.c lib/filter.c
LIBOBJ = lib/err.o lib/mem.o lib/num.o lib/proto.o lib/hash.o lib/map.o lib/out.o \
	lib/rd.o lib/fmt.o lib/record.o lib/split.o lib/csv.o lib/lookup.o lib/keycmp.o lib/count.o lib/each.o \
	lib/opt.o lib/inputs.o lib/scan.o lib/sched.o lib/tally.o \
	lib/inflate.o lib/crc32.o lib/parquet.o lib/snappy.o lib/filter.o
PROGSRC = cmd/flow-parse/flow-parse.c cmd/flow-count/flow-count.c cmd/flow-tag/flow-tag.c \
	cmd/flow-untagged/flow-untagged.c

all: $(PROGS) scripts/flowgen scripts/timeit tests/gz/gztest tests/pq/pqtest tests/filter/ftest

lib/libflow.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

$(LIBOBJ): lib/filter.h lib/flow.h lib/inflate.h lib/parquet.h lib/rd.h lib/split.h lib/tally.h lib/unit.h
.SUFFIXES: .c .o
.c.o:
	$(CC) $(WARN) $(CFLAGS) $(DEFS) -Ilib -c -o $@ $<

cmd/flow-parse/flow-parse: cmd/flow-parse/flow-parse.c lib/libflow.a lib/flow.h
	$(CC) $(WARN) $(CFLAGS) $(DEFS) -Ilib -o $@ cmd/flow-parse/flow-parse.c lib/libflow.a $(THREADS) $(LDFLAGS)
cmd/flow-count/flow-count: cmd/flow-count/flow-count.c lib/libflow.a lib/flow.h
	$(CC) $(WARN) $(CFLAGS) $(DEFS) -Ilib -o $@ cmd/flow-count/flow-count.c lib/libflow.a $(THREADS) $(LDFLAGS)
cmd/flow-tag/flow-tag: cmd/flow-tag/flow-tag.c lib/libflow.a lib/flow.h
	$(CC) $(WARN) $(CFLAGS) $(DEFS) -Ilib -o $@ cmd/flow-tag/flow-tag.c lib/libflow.a $(THREADS) $(LDFLAGS)
cmd/flow-untagged/flow-untagged: cmd/flow-untagged/flow-untagged.c lib/libflow.a lib/flow.h
	$(CC) $(WARN) $(CFLAGS) $(DEFS) -Ilib -o $@ cmd/flow-untagged/flow-untagged.c lib/libflow.a $(THREADS) $(LDFLAGS)
tests/gz/gztest: tests/gz/gztest.c lib/libflow.a lib/flow.h lib/inflate.h
	$(CC) $(WARN) $(CFLAGS) -Ilib -o $@ tests/gz/gztest.c lib/libflow.a $(THREADS) $(LDFLAGS)
lib/parquet.o lib/snappy.o: lib/parquet.h
lib/filter.o: lib/filter.h
tests/filter/ftest: tests/filter/ftest.c lib/libflow.a lib/flow.h lib/filter.h
	$(CC) $(WARN) $(CFLAGS) -Ilib -o $@ tests/filter/ftest.c lib/libflow.a $(THREADS) $(LDFLAGS)
tests/pq/pqtest: tests/pq/pqtest.c lib/libflow.a lib/flow.h lib/parquet.h
	$(CC) $(WARN) $(CFLAGS) -Ilib -o $@ tests/pq/pqtest.c lib/libflow.a $(THREADS) $(LDFLAGS)
scripts/flowgen: scripts/flowgen.c
	$(CC) $(WARN) $(CFLAGS) -o $@ scripts/flowgen.c $(LDFLAGS)
scripts/timeit: scripts/timeit.c
	$(CC) $(WARN) $(CFLAGS) -o $@ scripts/timeit.c $(LDFLAGS)

# the same programs built with AddressSanitizer and UBSan, in build-asan/bin;
# FL_NO_BUILTIN: the portable code where a compiler builtin would do
asan: $(LIBSRC) $(PROGSRC) lib/flow.h
	mkdir -p build-asan/bin
	for p in flow-parse flow-count flow-tag flow-untagged; do \
		$(CC) $(WARN) $(SANFLAGS) $(DEFS) -Ilib -o build-asan/bin/$$p cmd/$$p/$$p.c $(LIBSRC) $(THREADS) || exit 1; \
	done
	$(CC) $(WARN) $(SANFLAGS) -Ilib -o build-asan/bin/gztest tests/gz/gztest.c $(LIBSRC) $(THREADS)
	$(CC) $(WARN) $(SANFLAGS) -Ilib -o build-asan/bin/pqtest tests/pq/pqtest.c $(LIBSRC) $(THREADS)
	$(CC) $(WARN) $(SANFLAGS) -Ilib -o build-asan/bin/ftest tests/filter/ftest.c $(LIBSRC) $(THREADS)

# libFuzzer harnesses (clang): a long run, and the short one check does
FUZZSECS = 1200
fuzz:
	FUZZ_JOBS=2 sh tests/fuzz/run.sh $(FUZZSECS)
# the smoke run: one line "skipped: ..." where clang or its libFuzzer
# runtime (Debian: libclang-rt-N-dev) is missing; .ci/run installs both
fuzz-smoke:
	@c=$${CLANG:-clang}; \
	if ! command -v "$$c" >/dev/null 2>&1; then \
		echo "skipped: fuzz smoke run ($$c not installed)"; \
	elif ! printf '%s\n' '#include <stddef.h>' \
	    'int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);' \
	    'int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n) { return p && !n; }' | \
	    "$$c" -fsanitize=fuzzer -x c -o /dev/null - >/dev/null 2>&1; then \
		echo "skipped: fuzz smoke run (libFuzzer runtime of $$c not installed)"; \
	else sh tests/fuzz/run.sh 5; fi

# the whole suite once more, every program under valgrind --error-exitcode=1
valgrind: all
	@if command -v valgrind >/dev/null 2>&1; then sh tests/fuzz/valgrind.sh; \
	else echo "skipped: valgrind pass (valgrind not installed)"; fi

# the shell scripts and man pages, checked as strictly as the C; a checker
# that is not installed is one line "skipped: ..." (.ci/run installs both)
SHSRC = flowtag.sh scripts/bench.sh .ci/run tests/fuzz/run.sh tests/fuzz/valgrind.sh \
	scripts/flowtag-slurm scripts/flowtag-parallel
# the cluster scripts' pages, checked but not installed
SCRIPTMAN = scripts/flowtag-slurm.1 scripts/flowtag-parallel.1
lint:
	@if command -v shellcheck >/dev/null 2>&1; then \
		echo "shellcheck -s sh $(SHSRC)"; shellcheck -s sh $(SHSRC) || exit 1; \
	else echo "skipped: shell script lint (shellcheck not installed)"; fi
	@if command -v mandoc >/dev/null 2>&1; then \
		echo "mandoc -Tlint -Wwarning $(MAN) $(SCRIPTMAN)"; \
		for m in $(MAN) $(SCRIPTMAN); do mandoc -Tlint -Wwarning $$m || exit 1; done; \
	else echo "skipped: man page lint (mandoc not installed)"; fi

# the suite, then again on the sanitizer build, then the fuzz smoke run
check: all asan lint
	$(BATS) tests
	FLOWTAG_BIN=$$(pwd)/build-asan/bin ASAN_OPTIONS=detect_leaks=1 $(BATS) tests
	@$(MAKE) fuzz-smoke

demo: all
	rm -rf demo-out && mkdir demo-out
	./flowtag.sh -l tests/fixtures/sample/lookup_table.csv -o demo-out \
		tests/fixtures/sample/flow_logs.txt
	@echo
	@echo "outputs in demo-out/:"; ls -l demo-out
	@echo; cat demo-out/output.csv

# timings, never assertions: make bench ARGS="-r 3" or ARGS=-x
ARGS =
bench: all
	PATH="$$(pwd)/cmd/flow-parse:$$(pwd)/cmd/flow-count:$$(pwd)/cmd/flow-tag:$$(pwd)/cmd/flow-untagged:$$(pwd):$$PATH" \
		sh scripts/bench.sh $(ARGS)

# flowtag.1 also as flowtag.sh.1, so that man flowtag.sh finds it
install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1
	cp -f $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	cp -f flowtag.sh scripts/flowtag-slurm scripts/flowtag-parallel $(DESTDIR)$(PREFIX)/bin/
	chmod 755 $(DESTDIR)$(PREFIX)/bin/flow-parse $(DESTDIR)$(PREFIX)/bin/flow-count \
		$(DESTDIR)$(PREFIX)/bin/flow-tag $(DESTDIR)$(PREFIX)/bin/flow-untagged \
		$(DESTDIR)$(PREFIX)/bin/flowtag.sh $(DESTDIR)$(PREFIX)/bin/flowtag-slurm \
		$(DESTDIR)$(PREFIX)/bin/flowtag-parallel
	cp -f $(MAN) $(SCRIPTMAN) $(DESTDIR)$(MANPREFIX)/man1/
	cp -f flowtag.1 $(DESTDIR)$(MANPREFIX)/man1/flowtag.sh.1
	chmod 644 $(DESTDIR)$(MANPREFIX)/man1/flow-parse.1 $(DESTDIR)$(MANPREFIX)/man1/flow-count.1 \
		$(DESTDIR)$(MANPREFIX)/man1/flow-tag.1 $(DESTDIR)$(MANPREFIX)/man1/flow-untagged.1 \
		$(DESTDIR)$(MANPREFIX)/man1/flowtag.1 $(DESTDIR)$(MANPREFIX)/man1/flowtag.sh.1 \
		$(DESTDIR)$(MANPREFIX)/man1/flowtag-slurm.1 $(DESTDIR)$(MANPREFIX)/man1/flowtag-parallel.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/flow-parse $(DESTDIR)$(PREFIX)/bin/flow-count \
		$(DESTDIR)$(PREFIX)/bin/flow-tag $(DESTDIR)$(PREFIX)/bin/flow-untagged \
		$(DESTDIR)$(PREFIX)/bin/flowtag.sh $(DESTDIR)$(PREFIX)/bin/flowtag-slurm \
		$(DESTDIR)$(PREFIX)/bin/flowtag-parallel
	rm -f $(DESTDIR)$(MANPREFIX)/man1/flow-parse.1 $(DESTDIR)$(MANPREFIX)/man1/flow-count.1 \
		$(DESTDIR)$(MANPREFIX)/man1/flow-tag.1 $(DESTDIR)$(MANPREFIX)/man1/flow-untagged.1 \
		$(DESTDIR)$(MANPREFIX)/man1/flowtag.1 $(DESTDIR)$(MANPREFIX)/man1/flowtag.sh.1 \
		$(DESTDIR)$(MANPREFIX)/man1/flowtag-slurm.1 $(DESTDIR)$(MANPREFIX)/man1/flowtag-parallel.1

clean:
	rm -f $(PROGS) $(LIBOBJ) lib/libflow.a scripts/flowgen scripts/timeit tests/gz/gztest tests/pq/pqtest \
		tests/filter/ftest
	rm -rf build-asan build-fuzz demo-out

.PHONY: all asan fuzz fuzz-smoke valgrind lint check demo bench install uninstall clean
