# tools/encode/encode.mk — clip tools: the .bav encoder, bavinfo, bavdecode,
# the default clip, the fuzz target and the RISC-V build check of the shared
# decoder (user/player/bav.c). Included by the top-level Makefile.
#
#   make clip              $(CLIP_BAV): the generated default clip, or
#                          CLIP=video.mp4 encoded with tools/encode/encode.py
#   make fuzz              libFuzzer on the parser + decoder, FUZZ_SECONDS (60)
#   make bav-cross-check   bav.c compiles freestanding for rv64gc
#
# Host tools are optimized and unsanitized (speed matters for encoding); the
# unit test (tests/unit/test_bav.c) builds the same sources under sanitizers.

HOSTTOOL_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -I.
# Headers are listed with the sources they belong to (no -MMD: several
# sources go into each binary in one command).
BAV_DEC_SRCS := user/player/bav.c user/player/bav.h
BAV_ENC_SRCS := tools/encode/bav_encode.c tools/encode/bav_encode.h
BAV_WALK_SRCS := tools/encode/bav_walk.c tools/encode/bav_walk.h

HOST_TOOLS := $(BUILD)/host/bavenc $(BUILD)/host/bavinfo \
	$(BUILD)/host/bavdecode $(BUILD)/host/democlip

$(BUILD)/host/bavenc: tools/encode/bavenc.c $(BAV_ENC_SRCS) $(BAV_DEC_SRCS) | deps
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTTOOL_CFLAGS) -pthread -o $@ $(filter %.c,$^)
$(BUILD)/host/bavinfo: tools/encode/bavinfo.c $(BAV_WALK_SRCS) $(BAV_DEC_SRCS) | deps
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTTOOL_CFLAGS) -o $@ $(filter %.c,$^)
$(BUILD)/host/bavdecode: tools/encode/bavdecode.c $(BAV_WALK_SRCS) $(BAV_DEC_SRCS) | deps
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTTOOL_CFLAGS) -o $@ $(filter %.c,$^)
$(BUILD)/host/democlip: tools/encode/democlip.c | deps
	@mkdir -p $(@D)
	$(HOSTCC) $(HOSTTOOL_CFLAGS) -o $@ $(filter %.c,$^) -lm

# ---- clips ------------------------------------------------------------------
# The default clip is drawn and scored by democlip (original content): the
# audio goes to a file first, then the frames are piped into bavenc.
DEFAULT_BAV := $(BUILD)/media/default.bav
$(DEFAULT_BAV): $(BUILD)/host/democlip $(BUILD)/host/bavenc
	@mkdir -p $(@D)
	$(BUILD)/host/democlip --audio $(BUILD)/media/default.pcm
	$(BUILD)/host/democlip --frames - | \
	  $(BUILD)/host/bavenc -o $@.tmp --width 480 --height 360 --fps 30 \
	    --pcm $(BUILD)/media/default.pcm --rate 44100 --channels 2
	@rm -f $(BUILD)/media/default.pcm
	@mv $@.tmp $@

# CLIP=path/to/video.mp4 may hold spaces: make splits words on them, so the
# path is only ever used quoted in recipes or with each space escaped as a
# prerequisite, and the clip's name on the disk is the file's base name with
# every character but [A-Za-z0-9._-] made '_' ("my clips/a b.mp4" ->
# /media/a_b.bav). The default clip always goes on the disk too (MEDIA_BAVS).
ifeq ($(strip $(CLIP)),)
CLIP_BAV := $(DEFAULT_BAV)
else
CLIP_NAME := $(shell basename -- '$(subst ','\'',$(CLIP))' | \
	sed 's/\.[^.]*$$//; s/[^A-Za-z0-9._-]/_/g')
ifneq ($(shell test -f '$(subst ','\'',$(CLIP))' && test -r '$(subst ','\'',$(CLIP))' && echo ok),ok)
$(error CLIP=$(CLIP): no such readable file)
endif
CLIP_BAV := $(BUILD)/media/$(CLIP_NAME).bav
ifeq ($(CLIP_BAV),$(DEFAULT_BAV))
$(error CLIP=$(CLIP) would replace the default clip $(DEFAULT_BAV): rename the video)
endif
$(CLIP_BAV): $(subst $(empty) ,\ ,$(CLIP)) tools/encode/encode.py $(BUILD)/host/bavenc
	@mkdir -p $(@D)
	$(PYTHON) tools/encode/encode.py '$(subst ','\'',$(CLIP))' -o $@
endif
MEDIA_BAVS := $(sort $(DEFAULT_BAV) $(CLIP_BAV))

clip: $(CLIP_BAV)

# ---- checks -----------------------------------------------------------------
bav-cross-check: user/player/bav.c user/player/bav.h | deps
	@mkdir -p $(BUILD)
	$(KCC) -std=c11 -O2 -ffreestanding -Wall -Wextra -Werror \
	  -march=rv64gc -mabi=lp64d -c user/player/bav.c -o $(BUILD)/bav-rv64.o

FUZZ_SECONDS ?= 60
FUZZ_BIN := $(BUILD)/fuzz/fuzz_bav
$(FUZZ_BIN): tools/encode/fuzz_bav.c $(BAV_WALK_SRCS) $(BAV_DEC_SRCS) | deps
	@mkdir -p $(@D)
	clang -std=c11 -O1 -g -I. -Wall -Wextra -Werror \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -o $@ $(filter %.c,$^)
# Seeds: small clips from bavenc (every depth, with and without audio).
fuzz: $(FUZZ_BIN) $(BUILD)/host/bavenc
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/seeds
	$(PYTHON) tools/encode/fuzz_seeds.py $(BUILD)/host/bavenc $(BUILD)/fuzz/seeds
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	  -print_final_stats=1 $(BUILD)/fuzz/corpus $(BUILD)/fuzz/seeds

TEST_EXTRA_PREREQS += $(BUILD)/host/bavenc $(BUILD)/host/bavinfo $(BUILD)/host/democlip \
	$(BUILD)/host/bavdecode bav-cross-check
BENCH_PREREQS += $(HOST_TOOLS) $(DEFAULT_BAV)

.PHONY: clip fuzz bav-cross-check
