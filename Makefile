# mt-agent: build, test, demo.
#
#   make            build/mt-agent, build/mt-image
#   make check      install dependencies, build, run every test (unit, integration, e2e)
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan
#   make demo       the main job on a built-in default
#   make bench      benchmarks, printed as ratios against a named baseline
#   make fuzz       libFuzzer targets for a short run each (FUZZ_SECONDS)
#   make deps       install the Debian packages everything needs (as root)

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
SBINDIR  = $(PREFIX)/sbin
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
DATADIR  = $(PREFIX)/share/mt-agent
CC       ?= cc
SANITIZE ?= 0
# Test hooks (MT_AGENT_TEST_*, provision/cs/cs_client.h) are compiled in only when
# 1, as curl's DEBUGBUILD: the RPM builds with TEST_HOOKS=0.
TEST_HOOKS ?= 1
FUZZ_SECONDS ?= 20

PKGS = libparted blkid libudev libarchive openssl libcurl json-c inih
# Recursive (=) on purpose: `make check` installs the packages first, then runs
# a sub-make in which pkg-config finds them.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
# mt-agent opens libcurl, libarchive and libparted only when a verb needs them
# (provision/core/dynlib.h): it links the rest, and the sonames of those three are
# compiled in (the ones this build would have linked).
AGENT_PKGS = blkid libudev openssl json-c inih
AGENT_LIBS = $(shell pkg-config --libs $(AGENT_PKGS)) -ldl
soname = $(shell objdump -p "$$($(CC) -print-file-name=lib$(1).so)" 2>/dev/null | sed -n 's/^ *SONAME *//p')

WARN    = -std=gnu99 -Wall -Wextra -Werror
# -fstack-protector-strong is gcc 4.9+: EL6's gcc 4.4.7 gets -fstack-protector.
HARDEN  = $(shell $(CC) -fstack-protector-strong -E -x c /dev/null >/dev/null 2>&1 && echo -fstack-protector-strong || echo -fstack-protector) -fPIE
ifeq ($(SANITIZE),1)
OPT     = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
SANLD   = -fsanitize=address,undefined
else
OPT     = -O2 -g -D_FORTIFY_SOURCE=2
SANLD   =
endif
HOOKS   = $(if $(filter 1,$(TEST_HOOKS)),-DMT_TEST_HOOKS)
ALL_CFLAGS  = $(WARN) $(OPT) $(HARDEN) $(HOOKS) -pthread $(PROV_INC) $(APP_INC) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = -pie -pthread -Wl,-z,relro,-z,now $(SANLD) $(LDFLAGS)

# provision/ by concern; core/ (errors, the root resolver, run_argv, the journal,
# the configuration...) is its own archive, compiled seeing only its own headers,
# so nothing in it can include upward.
PROV_DIRS = core disk payload cs check
PROV_INC  = $(patsubst %,-Iprovision/%,$(PROV_DIRS))
CORE_SRC  = $(wildcard provision/core/*.c)
PROV_UP_SRC = $(foreach d,$(filter-out core,$(PROV_DIRS)),$(wildcard provision/$(d)/*.c))
PROV_SRC  = $(CORE_SRC) $(PROV_UP_SRC)
# the programs see everything; the library sees none of agent/ or image/
APP_INC   = -Iagent/cli -Iagent -Iimage
CLI_SRC   = $(wildcard agent/cli/*.c)
AGENT_SRC = $(filter-out agent/main.c,$(wildcard agent/*.c))
IMAGE_SRC = $(filter-out image/main.c,$(wildcard image/*.c))
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

PROV_LIB  = $(BUILD)/libprovision.a
CORE_LIB  = $(BUILD)/libmtcore.a
CLI_LIB   = $(BUILD)/libcli.a
AGENT_LIB = $(BUILD)/libagent.a
IMAGE_LIB = $(BUILD)/libimage.a
UNIT_BIN  = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_BIN  = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

.PHONY: all tests check check-unit check-integration check-e2e demo bench fuzz deps clean install rpm FORCE

all: $(BUILD)/mt-agent $(BUILD)/mt-image

# Rebuild everything when the flags change (SANITIZE=1 and back).
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

SONAME_DEFS = -DMT_SONAME_CURL='"$(call soname,curl)"' -DMT_SONAME_ARCHIVE='"$(call soname,archive)"' \
    -DMT_SONAME_PARTED='"$(call soname,parted)"'
$(BUILD)/obj/provision/core/dl_libs.o: ALL_CFLAGS += $(SONAME_DEFS)
$(call obj,$(PROV_SRC)): APP_INC =
$(call obj,$(CORE_SRC)): PROV_INC = -Iprovision/core
# blkid_probe_hide_range (libblkid 2.31): wipefs' enumeration of every magic copy
$(BUILD)/obj/provision/disk/sigscan.o: ALL_CFLAGS += $(shell pkg-config --atleast-version=2.31 blkid && echo -DMT_BLKID_HIDE_RANGE)

$(BUILD)/obj/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(CORE_LIB): $(call obj,$(CORE_SRC))
	@rm -f $@
	ar rcs $@ $^
$(PROV_LIB): $(call obj,$(PROV_UP_SRC))
	@rm -f $@
	ar rcs $@ $^
$(CLI_LIB): $(call obj,$(CLI_SRC))
	@rm -f $@
	ar rcs $@ $^
$(AGENT_LIB): $(call obj,$(AGENT_SRC))
	@rm -f $@
	ar rcs $@ $^
$(IMAGE_LIB): $(call obj,$(IMAGE_SRC))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/mt-agent: $(call obj,agent/main.c) $(AGENT_LIB) $(CLI_LIB) $(PROV_LIB) $(CORE_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(AGENT_LIBS)

# mt-image reads the agent's ELF with libelf (elfutils; libelf-dev here,
# elfutils-libelf-devel on EL6): the only program that links it.
$(BUILD)/mt-image: $(call obj,image/main.c) $(IMAGE_LIB) $(CLI_LIB) $(PROV_LIB) $(CORE_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lelf -ldl

$(BUILD)/tests/%: $(call obj,tests/unit/%.c) $(AGENT_LIB) $(IMAGE_LIB) $(CLI_LIB) $(PROV_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lelf -ldl -lcmocka

tests: all $(UNIT_BIN)

# Under SANITIZE=1 the journal and config tests also run under valgrind
# (tests/run.sh), which sees a read of a freed json-c object inside libjson-c
# where ASan, not instrumenting the library, does not. valgrind cannot run an
# ASan binary: these are built again without sanitizers, in $(BUILD)/valgrind.
VG_TESTS  = test_journal test_config
VG_BIN    = $(addprefix $(BUILD)/valgrind/,$(VG_TESTS))
VG_CFLAGS = $(WARN) -O1 -g -pthread $(PROV_INC) $(PKG_CFLAGS)
$(BUILD)/valgrind/obj/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) -c $< -o $@
$(BUILD)/valgrind/obj/provision/core/dl_libs.o: VG_CFLAGS += $(SONAME_DEFS)
$(BUILD)/valgrind/libprovision.a: $(patsubst %.c,$(BUILD)/valgrind/obj/%.o,$(PROV_SRC))
	@rm -f $@
	ar rcs $@ $^
$(VG_BIN): $(BUILD)/valgrind/%: $(BUILD)/valgrind/obj/tests/unit/%.o $(BUILD)/valgrind/libprovision.a
	$(CC) -pthread -o $@ $^ $(PKG_LIBS) -ldl -lcmocka
valgrind-build: $(VG_BIN)
ifeq ($(SANITIZE),1)
tests: valgrind-build
endif

# libFuzzer targets: clang, the provision sources rebuilt with the fuzzer's instrumentation,
# once into $(BUILD)/fuzz/obj for all the fuzzers (each used to compile them all again).
FUZZ_CFLAGS = -std=gnu99 -g -O1 -fsanitize=fuzzer,address,undefined $(PROV_INC) $(PKG_CFLAGS)
FUZZ_OBJ = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(PROV_SRC))
.SECONDARY: $(FUZZ_OBJ)
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(SONAME_DEFS) -MMD -MP -c -o $@ $<
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(SONAME_DEFS) -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS) -ldl

deps:
	sh scripts/install-deps.sh

# the build in CHECK_JOBS jobs (default: the CPUs), whatever -j make check was given
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
check:
	sh scripts/install-deps.sh
	$(MAKE) -j$(CHECK_JOBS) tests fuzz-build
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) sh tests/run.sh all

check-unit check-integration check-e2e: tests
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) sh tests/run.sh $(patsubst check-%,%,$@)

fuzz-build: $(FUZZ_BIN)

# libparted's start-up code trips ASan's strchr check (tests/asan.supp); the
# fuzzer's own exit status decides, not the tail of its log.
fuzz: fuzz-build
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p $(BUILD)/fuzz/corpus-$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; \
	  ASAN_OPTIONS=suppressions=$(CURDIR)/tests/asan.supp $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus-$$n $$(ls -d tests/fuzz/corpus/$$n 2>/dev/null) >$(BUILD)/fuzz/$$n.log 2>&1; rc=$$?; \
	  tail -n 3 $(BUILD)/fuzz/$$n.log; \
	  [ $$rc -eq 0 ] || { echo "$$n failed (exit $$rc): $(BUILD)/fuzz/$$n.log"; exit 1; }; \
	done

demo:
	sh scripts/install-deps.sh
	$(MAKE) all
	BUILD=$(BUILD) bash scripts/demo.sh

bench:
	sh scripts/install-deps.sh
	$(MAKE) all
	BUILD=$(BUILD) sh scripts/bench/run.sh

# The box's files (rootfs/) go where they stand on the box, whatever PREFIX is.
install: all
	install -D -m 0755 $(BUILD)/mt-agent $(DESTDIR)$(SBINDIR)/mt-agent
	install -D -m 0755 $(BUILD)/mt-image $(DESTDIR)$(BINDIR)/mt-image
	install -D -m 0644 agent/mt-agent.8 $(DESTDIR)$(MANDIR)/man8/mt-agent.8
	install -D -m 0644 agent/mt-agent.conf.5 $(DESTDIR)$(MANDIR)/man5/mt-agent.conf.5
	install -D -m 0644 agent/mt-agent-api.7 $(DESTDIR)$(MANDIR)/man7/mt-agent-api.7
	install -D -m 0644 image/mt-image.1 $(DESTDIR)$(MANDIR)/man1/mt-image.1
	mkdir -p $(DESTDIR)/ $(DESTDIR)$(DATADIR)/kickstart
	cp -R --preserve=mode rootfs/. $(DESTDIR)/
	chmod 0440 $(DESTDIR)/etc/sudoers.d/mt-agent-nrpe
	if [ -d kickstart ]; then cp -R --preserve=mode kickstart/. $(DESTDIR)$(DATADIR)/kickstart/; fi
	install -d -m 0700 $(DESTDIR)/var/lib/mt-agent

rpm:
	sh scripts/install-deps.sh
	BUILD=$(BUILD) sh scripts/rpm/build.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj $(BUILD)/fuzz/obj -name '*.d' 2>/dev/null)
