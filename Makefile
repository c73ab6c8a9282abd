# Makefile — builds the RISC-V kernel, the disk image and the host tools, and
# runs the tests. Everything lands in build/.
#
#   make            build/kernel.elf (and build/hdd.dsk once there is a disk)
#   make test       host unit tests + QEMU end-to-end tests: "N passed, M failed"
#   make demo       build everything, boot in a QEMU window, play the clip
#                   (no display, e.g. over SSH: in this terminal, as text)
#   make record     the same headless, recorded into build/demo.mp4
#   make debug      boot halted, waiting for gdb (see README)
#   make bench      print the benchmark table
#   make clean      remove build/
#   make toolchain  print the compiler this make uses
#
# Variables: LLVM=1 builds with clang and lld instead of GCC; CROSS=PREFIX-
# names the GCC; BUILD=DIR puts everything in DIR instead (the tests follow,
# through BADAPPLE_BUILD), e.g. make test LLVM=1 BUILD=build-llvm.
#
# A missing tool (cross compiler, QEMU, ffmpeg, e2fsprogs) makes the first
# target run tools/deps.sh, which installs it.

.DEFAULT_GOAL := all
BUILD  := build
PYTHON ?= python3
HOSTCC ?= gcc

# The RISC-V compiler. GCC by default: CROSS=PREFIX names it, else the first
# of the prefixes systems ship it under that is on PATH (Debian/Ubuntu's
# bare-metal riscv64-unknown-elf-, Arch's and Homebrew's riscv64-elf-,
# Fedora's (and Debian's) Linux-targeted riscv64-linux-gnu-, which builds
# freestanding code as well). LLVM=1 builds with clang, lld and the LLVM
# binutils instead (LLVM=-19 picks clang-19, ld.lld-19...; as in Linux).
CROSS_PREFIXES := riscv64-unknown-elf- riscv64-elf- riscv64-linux-gnu-
on_path = $(firstword $(wildcard $(addsuffix /$(1),$(subst :, ,$(PATH)))))
ifeq ($(origin CROSS),undefined)
CROSS := $(firstword $(foreach p,$(CROSS_PREFIXES),$(if $(call on_path,$(p)gcc),$(p))) \
	riscv64-unknown-elf-)
endif
ifneq ($(filter-out 0,$(LLVM)),)
LLVM_SUFFIX := $(filter -%,$(LLVM))
KCC    := clang$(LLVM_SUFFIX) --target=riscv64-unknown-elf
KNM    := llvm-nm$(LLVM_SUFFIX)
KAR    := llvm-ar$(LLVM_SUFFIX)
KTOOLS := clang$(LLVM_SUFFIX) ld.lld$(LLVM_SUFFIX) $(KNM) $(KAR)
else
KCC    := $(CROSS)gcc
KNM    := $(CROSS)nm
KAR    := $(CROSS)ar
KTOOLS := $(KCC) $(KNM) $(KAR)
endif

# What differs between the two compilers. GCC names the CSR and fence.i
# extensions in -march (zicsr, zifencei); clang 14 rejects those names (it
# counts both as part of I), so clang gets them only if it accepts them.
# GCC turns byte loops into memset/memcpy calls unless told not to (the
# kernel's own memset would call itself); clang does not under -fno-builtin.
ifneq ($(filter-out 0,$(LLVM)),)
KARCH := rv64imac$(if $(shell $(KCC) -march=rv64imac_zicsr_zifencei -mabi=lp64 \
	-c -x c /dev/null -o /dev/null 2>/dev/null && echo y),_zicsr_zifencei)
NO_LOOP_TO_CALL :=
KLD := -fuse-ld=lld
else
KARCH := rv64imac_zicsr_zifencei
NO_LOOP_TO_CALL := -fno-tree-loop-distribute-patterns
KLD :=
endif

# The kernel: freestanding RV64 (no FP registers in the kernel, so traps need
# not save them), frame pointers kept for the panic backtrace, no linker
# relaxation so the two-pass symbol-table link cannot move code (kernel.mk).
KCFLAGS := -std=c11 -O2 -g -ffreestanding -nostdlib -fno-builtin \
	-mcmodel=medany -march=$(KARCH) -mabi=lp64 \
	-fno-omit-frame-pointer -fno-stack-protector -fno-pie -mno-relax \
	$(NO_LOOP_TO_CALL) -Wall -Wextra -Werror -I. -MMD -MP
# DEBUG=1 (the default) poisons freed heap memory and checks it on reuse,
# and checks the rules comments state (KASSERT_DEBUG, kernel/arch/panic.h);
# DEBUG=0 compiles those checks out.
DEBUG ?= 1
ifeq ($(DEBUG),1)
KCFLAGS += -DKHEAP_DEBUG -DKERNEL_DEBUG
endif
KLDFLAGS := $(KLD) -nostdlib -static -Wl,--no-relax -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none

# Host code (unit tests, host tools): the same pure sources under sanitizers.
HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -I. -DHOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -MMD -MP

NEEDED_TOOLS := $(KTOOLS) qemu-system-riscv64 ffmpeg ffprobe mke2fs e2fsck debugfs dumpe2fs \
	hexdump $(PYTHON) $(HOSTCC) dtc

# The tests read the build they check from here (tests/harness: BUILD).
export BADAPPLE_BUILD := $(BUILD)

.PHONY: all clean test unit e2e demo debug bench deps toolchain fuzz fuzz-syscalls
all: $(BUILD)/kernel.elf $(BUILD)/hdd.dsk

# The compiler and tools this make would use (tests/host/test_deps.py).
toolchain:
	@echo "CROSS=$(CROSS)"; echo "KCC=$(KCC)"; echo "KNM=$(KNM)"; echo "KAR=$(KAR)"

# Order-only prerequisite of every build: installs what is missing.
deps:
	@missing=""; for t in $(NEEDED_TOOLS); do \
	    command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	    echo "make: missing:$$missing — running tools/deps.sh"; \
	    tools/deps.sh; fi

include kernel/kernel.mk
include tests/unit/unit.mk
# Required fragments use include (a missing one stops make); only the
# generated .d dependency files are -include.
include tools/encode/encode.mk
include fs/disk.mk
include user/user.mk
include gfx/gfx.mk

# ---- host unit tests --------------------------------------------------------
UNIT_BINS := $(foreach t,$(UNIT_TESTS),$(BUILD)/tests/unit/test_$(t))

define unit_rule
$(BUILD)/tests/unit/test_$(1): $$(unit_$(1)_SRCS) | deps
	@mkdir -p $$(@D)
	$$(HOSTCC) $$(HOST_CFLAGS) -o $$@ $$(unit_$(1)_SRCS) $$(unit_$(1)_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))
-include $(UNIT_BINS:=.d)

# The kernel's sources moved into folders (fmt.c from kernel/ to kernel/lib/).
# The dependency files of a build/ made before name the old paths, and -MP
# only covers headers, not the .c compiled: tell make a missing kernel source
# is nothing to build, so the target is rebuilt from its current sources
# instead of stopping with "No rule to make target".
kernel/%.c: ;
kernel/%.S: ;

# Device trees dumped from QEMU for the FDT unit tests: the machine run.py
# starts, and a bigger one (more memory, 4 harts) to vary the layout.
UNIT_DATA := $(BUILD)/tests/virt.dtb $(BUILD)/tests/virt-smp4.dtb
$(BUILD)/tests/virt.dtb: tools/run.py | deps
	@mkdir -p $(@D)
	$(PYTHON) tools/run.py --disk none --dumpdtb $@
$(BUILD)/tests/virt-smp4.dtb: tools/run.py | deps
	@mkdir -p $(@D)
	$(PYTHON) tools/run.py --disk none --dumpdtb $@ --smp 4 --memory 1G

unit: $(UNIT_BINS) $(UNIT_DATA)
	@$(PYTHON) tests/run_tests.py --unit $(UNIT_BINS)

# ---- everything -------------------------------------------------------------
TEST_PREREQS := $(BUILD)/kernel.elf $(UNIT_BINS) $(UNIT_DATA) $(TEST_EXTRA_PREREQS)
test: $(TEST_PREREQS)
	@$(PYTHON) tests/run_tests.py --unit $(UNIT_BINS) --py tests/host tests/e2e

e2e: $(BUILD)/kernel.elf $(TEST_EXTRA_PREREQS)
	@$(PYTHON) tests/run_tests.py --py tests/e2e

# The demo: everything built (deps installed), the clip encoded (the default
# one, or CLIP=video.mp4), the disk packed; then a copy of the disk with
# /etc/autoplay, so init plays the clip after the boot log and leaves you at
# the shell (run `player /media/NAME.bav` again from there). The copy keeps
# the tests' disk free of autoplay and the demo's writes away from it.
#
# Without a display (neither DISPLAY nor WAYLAND_DISPLAY: SSH, a server) the
# demo runs in this terminal instead (run.py --display terminal: the guest's
# console here, raw, Ctrl-A x quits QEMU): the autoplay line plays the clip
# as text (player --text), then says in one line how to play it again and
# how to quit. make demo DEMO_DISPLAY=terminal does that with a display too.
DEMO_DISK := $(BUILD)/demo.dsk
DEMO_CLIP := /media/$(notdir $(CLIP_BAV))
DEMO_PLAY := player --stats $(DEMO_CLIP)
DEMO_DISPLAY := $(if $(strip $(DISPLAY)$(WAYLAND_DISPLAY)),window,terminal)
ifeq ($(DEMO_DISPLAY),terminal)
DEMO_AUTOPLAY := player --text --stats $(DEMO_CLIP); echo "demo: again: player --text $(DEMO_CLIP)   quit: Ctrl-A x"
else
DEMO_AUTOPLAY := $(DEMO_PLAY)
endif
.PHONY: demo-disk record
demo-disk: $(DISK_IMG) | deps
	cp $(DISK_IMG) $(DEMO_DISK).tmp
	printf '%s\n' '$(DEMO_AUTOPLAY)' > $(BUILD)/autoplay
	debugfs -w -R "write $(BUILD)/autoplay /etc/autoplay" $(DEMO_DISK).tmp >/dev/null 2>&1
	mv $(DEMO_DISK).tmp $(DEMO_DISK)

demo: $(BUILD)/kernel.elf demo-disk
	$(PYTHON) tools/run.py --kernel $(BUILD)/kernel.elf --disk $(DEMO_DISK) \
	  --display $(DEMO_DISPLAY) --audio auto

# Headless: plays the clip once and writes build/demo.mp4 (screen + sound).
# run.py tells the guest the capture's output latency (docs/audio.md).
RECORD_OUT ?= $(BUILD)/demo.mp4
record: $(BUILD)/kernel.elf $(DISK_IMG)
	$(PYTHON) tools/run.py --kernel $(BUILD)/kernel.elf --disk $(DISK_IMG) \
	  --record $(RECORD_OUT) --timeout 600 --cmd '$(DEMO_PLAY)'

# make fuzz: first the system-call fuzzer in the OS (tests/e2e/test_fuzz.py
# as a program: one boot per 120 s round, seeds FUZZ_SEED, FUZZ_SEED+1...),
# then the clip decoder's libFuzzer run (tools/encode/encode.mk).
FUZZ_SECONDS ?= 60
fuzz: fuzz-syscalls
fuzz-syscalls: $(BUILD)/kernel.elf $(DISK_IMG)
	$(PYTHON) tests/e2e/test_fuzz.py --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

debug: $(BUILD)/kernel.elf
	$(PYTHON) tools/run.py --kernel $(BUILD)/kernel.elf --display none --gdb

# bench_player.py plays a clip from a copy of the disk (with the player on it).
BENCH_PREREQS += $(DISK_IMG)
bench: $(BUILD)/kernel.elf $(BENCH_PREREQS)
	@$(PYTHON) tests/bench/bench.py

# The long crash-consistency run (docs/disk.md, "Durability"): CRASH_RUNS
# SIGKILLs at random moments of a file workload, each image judged.
CRASH_RUNS ?= 20
.PHONY: crashtest
crashtest: $(BUILD)/kernel.elf $(DISK_IMG)
	@$(PYTHON) tests/crash/crashtest.py --runs $(CRASH_RUNS)

clean:
	rm -rf $(BUILD)
