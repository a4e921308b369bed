# backbone: a plain GNU Makefile.
#
#   make            install missing Debian packages, build build/backbone
#   make demo       build, then set up and show the demo initiative
#   make test       build with ASan+UBSan, run unit, end-to-end and conformance tests
#   make lint       formatting, banned functions, cppcheck
#   make fuzz       build the libFuzzer harnesses (clang)
#   make bench      run the benchmarks in bench/
#
# Objects go to build/ (release) and build/san/ (sanitized, for tests).

CC      ?= cc
PKGS    := sqlite3 jansson libfyaml libmicrohttpd libzip expat xlsxwriter libutf8proc libsodium libpq libcrypto
WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
           -Wpointer-arith -Wcast-qual -fno-common -fstack-protector-strong
STD     := -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700
CFLAGS_BASE = $(STD) $(WARN) -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
OPT     ?= -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GITREV  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DEFS    := -DBB_VERSION='"$(VERSION)"' -DBB_GITREV='"$(GITREV)"'

SRCS    := $(sort $(shell find src -name '*.c' ! -name main.c))
OBJS    := $(SRCS:src/%.c=build/obj/%.o)
SOBJS   := $(SRCS:src/%.c=build/san/obj/%.o)
TSRCS   := $(sort $(wildcard tests/unit/*.c))
TOBJS   := $(TSRCS:tests/unit/%.c=build/san/tests/%.o)

.SECONDARY:
.PHONY: FORCE fuzz-smoke all deps test-deps demo test unit lint fuzz bench clean
all: deps build/backbone

deps:
	@scripts/deps.sh build
test-deps:
	@scripts/deps.sh test

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_BASE) $(OPT) $(DEFS) -MMD -MP -c $< -o $@
build/san/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(CFLAGS_BASE) $(SANFLAGS) $(DEFS) -MMD -MP -c $< -o $@
build/san/tests/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@echo "  CC test $<"
	@$(CC) $(CFLAGS_BASE) $(SANFLAGS) -Itests/unit -Ibuild/san/tests $(shell pkg-config --cflags check) -MMD -MP -c $< -o $@

# The demo framework, embedded into the binary (src/demo/embedded.c).
build/gen/riverside_yaml.h: examples/riverside/framework.yaml
	@mkdir -p $(dir $@)
	@od -An -v -tx1 $< | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' > $@.tmp && mv $@.tmp $@
build/obj/demo/embedded.o build/san/obj/demo/embedded.o build/fuzz/obj/demo/embedded.o: build/gen/riverside_yaml.h

build/libbackbone.a: $(OBJS)
	@rm -f $@; ar rcs $@ $^
build/san/libbackbone.a: $(SOBJS)
	@rm -f $@; ar rcs $@ $^

build/backbone: build/obj/main.o build/libbackbone.a
	$(CC) $(OPT) -o $@ $^ $(LIBS)
build/san/backbone: build/san/obj/main.o build/san/libbackbone.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LIBS)

# The unit-test runner finds every `Suite *suite_NAME(void)` in tests/unit.
build/san/tests/suites.h: FORCE
	@mkdir -p $(dir $@)
	@grep -ho '^Suite \*suite_[a-z0-9_]*(void)' $(TSRCS) | sed 's/^Suite \*\(suite_[a-z0-9_]*\)(void)/X(\1)/' | sort -u > $@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@
build/san/tests/runner.o: build/san/tests/suites.h
build/san/unit-tests: $(TOBJS) build/san/libbackbone.a
	$(CC) $(SANFLAGS) -o $@ $^ $(LIBS) $(shell pkg-config --libs check)

demo: deps build/backbone
	@rm -f demo.db demo.db-wal demo.db-shm
	./build/backbone --db demo.db demo
	@echo
	./build/backbone --db demo.db submissions
	@echo
	./build/backbone --db demo.db status
	@echo
	./build/backbone --db demo.db report --out demo-report.html --format html
	./build/backbone --db demo.db report

test: test-deps
	@$(MAKE) --no-print-directory build/san/backbone build/san/unit-tests
	@tests/run.sh

unit: test-deps
	@$(MAKE) --no-print-directory build/san/unit-tests
	@build/san/unit-tests

lint:
	@scripts/lint.sh

# libFuzzer harnesses: fuzz/fuzz_NAME.c with a seed corpus in fuzz/corpus/NAME/.
# `make fuzz` builds them all; `build/fuzz/fuzz_NAME fuzz/corpus/NAME` runs one.
FUZZ_CC    ?= clang
FUZZFLAGS  := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
FSRCS      := $(sort $(wildcard fuzz/fuzz_*.c))
FOBJS      := $(SRCS:src/%.c=build/fuzz/obj/%.o)
FUZZERS    := $(FSRCS:fuzz/%.c=build/fuzz/%)
build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(STD) -Wall -Wextra -Werror -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(FUZZFLAGS) -MMD -MP -c $< -o $@
build/fuzz/%: fuzz/%.c $(FOBJS)
	@echo "  LD fuzz $@"
	@$(FUZZ_CC) $(STD) -Isrc $(FUZZFLAGS) -fsanitize=fuzzer $< $(FOBJS) -o $@ $(LIBS)
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZERS)
# Build every harness and replay its seed corpus (regressions included) once.
fuzz-smoke: fuzz
	@for f in $(FUZZERS); do n=$${f#build/fuzz/fuzz_}; \
	  echo "  FUZZ    $$n ($$(ls fuzz/corpus/$$n | wc -l) inputs)"; \
	  $$f -runs=0 fuzz/corpus/$$n >/dev/null 2>build/fuzz/$$n.log || { tail -30 build/fuzz/$$n.log; exit 1; }; done

bench: deps build/backbone
	@scripts/deps.sh bench
	@for b in bench/*/run; do echo "== $$b"; $$b || exit 1; done

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(SOBJS:.o=.d) $(TOBJS:.o=.d) $(FOBJS:.o=.d) build/obj/main.d build/san/obj/main.d
FORCE:
