# user/user.mk — user space: the C library and the programs. Included by
# the top-level Makefile.
#
#   $(BUILD)/user/libc.a        user/lib/*.c *.S (except crt0.S) + kernel/lib/fmt.c
#                               and kernel/lib/string.c (shared with the kernel)
#   $(BUILD)/user/crt0.o        _start, linked first into every program
#   $(BUILD)/user/bin/NAME      one static program per name in USER_PROGRAMS,
#                               from user/NAME.c or user/NAME/*.c (plus any
#                               USER_EXTRA_SRCS_NAME)
#
# Programs are listed by hand (USER_PROGRAMS += NAME, in this file: the
# rules are generated when it is read), not discovered: a
# directory like user/player/ holds shared code before it holds a program.
# The binaries are appended to DISK_BIN_FILES (fs/disk.mk copies them into
# /bin; it must read that list lazily or be included after this file) and
# to TEST_EXTRA_PREREQS, so `make test` builds them.
#
# Code is rv64gc/lp64d: user programs may use the FPU, so the kernel must
# enable sstatus.FS for user mode and save the f registers on a switch.
# Linked with user/user.ld (layout there) and, with GCC, libgcc, whose
# default multilib in Debian's riscv64-unknown-elf-gcc is rv64imafdc/lp64d
# (with LLVM=1, no runtime library: see ULIBGCC below).
# Sections per function plus --gc-sections keep unused libc code out.

USER_PROGRAMS += hello
# The userland (init, the shell, the tools, usertests); sort drops a name
# listed twice, which would generate its rule twice.
USER_PROGRAMS := $(sort $(USER_PROGRAMS) init sh ls cat echo mkdir rm mv cp ps \
	kill meminfo free sleep wc cksum hexdump poweroff true false pwd usertests \
	fibers procbench sync fsload sysfuzz)

# Extra sources a program links besides its own: shared pure code from
# elsewhere in the tree (one implementation of each mechanism), e.g. cksum
# uses the kernel's CRC. USER_EXTRA_SRCS_NAME lists them; each needs an
# object rule below.
USER_EXTRA_SRCS_cksum := kernel/lib/cksum.c
USER_EXTRA_SRCS_cp := user/toolkit.c
USER_EXTRA_SRCS_mv := user/toolkit.c
USER_EXTRA_SRCS_ps := user/toolkit.c
USER_EXTRA_SRCS_meminfo := user/toolkit.c
# Sound: aplay parses WAV and tone synthesizes with the same pure code the
# host tests check (audio/wav.c, audio/tone.c).
USER_PROGRAMS += aplay tone audiobench fbdraw
USER_EXTRA_SRCS_aplay := audio/wav.c
USER_EXTRA_SRCS_tone := audio/tone.c
USER_EXTRA_SRCS_audiobench := audio/tone.c
USER_EXTRA_SRCS_usertests := kernel/lib/cksum.c
# The clip player: user/player/*.c (its main in player.c, the shared decoder
# bav.c, the same one the host tools and the fuzzer use).
USER_PROGRAMS += player

UCFLAGS := -std=c11 -O2 -g -ffreestanding -nostdlib -fno-builtin \
	-march=rv64gc -mabi=lp64d -mcmodel=medany -fno-omit-frame-pointer \
	-ffunction-sections -fdata-sections \
	-Wall -Wextra -Werror -isystem user/lib/include -I. -MMD -MP
# The libc's own loops (memset, memcpy...) must not be "optimised" into
# calls to themselves.
ULIBCFLAGS := $(UCFLAGS) $(NO_LOOP_TO_CALL)
ULDFLAGS := $(KLD) -nostdlib -static -T user/user.ld -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,--gc-sections
# The compiler's runtime library: GCC's libgcc. LLVM's counterpart, the
# compiler-rt builtins, is not packaged for riscv64 on Debian or Ubuntu, so
# with LLVM=1 there is none: the libc provides the helpers the programs need
# (user/lib/int128.c, 128-bit division; a missing one fails the link).
ifneq ($(filter-out 0,$(LLVM)),)
ULIBGCC :=
else
ULIBGCC = $(shell $(KCC) -march=rv64gc -mabi=lp64d -print-libgcc-file-name)
endif

ULIB_SRCS := $(filter-out user/lib/crt0.S,$(sort $(wildcard user/lib/*.c user/lib/*.S))) \
	kernel/lib/fmt.c kernel/lib/string.c
ULIB_OBJS := $(patsubst %,$(BUILD)/user/obj/%.o,$(ULIB_SRCS))
ULIBC := $(BUILD)/user/libc.a
UCRT0 := $(BUILD)/user/crt0.o

USER_BINS := $(foreach p,$(USER_PROGRAMS),$(BUILD)/user/bin/$(p))
DISK_BIN_FILES += $(USER_BINS)
TEST_EXTRA_PREREQS += $(USER_BINS)

.PHONY: user
user: $(USER_BINS)

$(BUILD)/user/obj/user/lib/%.c.o: user/lib/%.c | deps
	@mkdir -p $(@D)
	$(KCC) $(ULIBCFLAGS) -c $< -o $@

$(BUILD)/user/obj/user/lib/%.S.o: user/lib/%.S | deps
	@mkdir -p $(@D)
	$(KCC) $(ULIBCFLAGS) -D__ASSEMBLER__ -c $< -o $@

# Pure kernel sources shared with user space: fmt.c and string.c in the
# libc, cksum.c in the programs that list it (USER_EXTRA_SRCS_NAME).
$(BUILD)/user/obj/kernel/%.c.o: kernel/%.c | deps
	@mkdir -p $(@D)
	$(KCC) $(ULIBCFLAGS) -c $< -o $@

# Shared pure sources a program links (USER_EXTRA_SRCS_NAME).
$(BUILD)/user/obj/audio/%.c.o: audio/%.c | deps
	@mkdir -p $(@D)
	$(KCC) $(UCFLAGS) -c $< -o $@


# Program sources (user/NAME.c, user/NAME/*.c), compiled with UCFLAGS.
$(BUILD)/user/obj/user/%.c.o: user/%.c | deps
	@mkdir -p $(@D)
	$(KCC) $(UCFLAGS) -c $< -o $@

$(UCRT0): $(BUILD)/user/obj/user/lib/crt0.S.o
	cp $< $@

$(ULIBC): $(ULIB_OBJS)
	@rm -f $@
	$(KAR) rcs $@ $^

user_prog_srcs = $(wildcard user/$(1).c user/$(1)/*.c) $(USER_EXTRA_SRCS_$(1))
define user_prog_rule
$(BUILD)/user/bin/$(1): $(patsubst %,$(BUILD)/user/obj/%.o,$(call user_prog_srcs,$(1))) \
		$(UCRT0) $(ULIBC) user/user.ld
	@mkdir -p $$(@D)
	$(KCC) $(UCFLAGS) $(ULDFLAGS) -o $$@ $(UCRT0) \
	    $(patsubst %,$(BUILD)/user/obj/%.o,$(call user_prog_srcs,$(1))) \
	    -Wl,--start-group $(ULIBC) $$(ULIBGCC) -Wl,--end-group
endef
$(foreach p,$(USER_PROGRAMS),$(eval $(call user_prog_rule,$(p))))

-include $(ULIB_OBJS:.o=.d) $(BUILD)/user/obj/user/lib/crt0.S.d
-include $(foreach p,$(USER_PROGRAMS),$(patsubst %,$(BUILD)/user/obj/%.d,$(call user_prog_srcs,$(p))))
