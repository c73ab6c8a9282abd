# tests/unit/unit.mk — host unit tests: one binary per test file.
#
# Each test is registered by name: UNIT_TESTS += NAME, and
# unit_NAME_SRCS lists tests/unit/test_NAME.c plus the pure sources it tests.
# Binaries go to build/tests/unit/test_NAME, built with the host compiler
# under AddressSanitizer and UndefinedBehaviorSanitizer (HOST_TEST defined).

UNIT_TESTS += fmt
unit_fmt_SRCS := tests/unit/test_fmt.c kernel/lib/fmt.c

UNIT_TESTS += cmdline
unit_cmdline_SRCS := tests/unit/test_cmdline.c kernel/lib/cmdline.c

UNIT_TESTS += fdt
unit_fdt_SRCS := tests/unit/test_fdt.c kernel/arch/fdt.c
# test_fdt reads device trees that QEMU dumps (see Makefile: unit-data).

UNIT_TESTS += ringbuf
unit_ringbuf_SRCS := tests/unit/test_ringbuf.c kernel/lib/ringbuf.c

UNIT_TESTS += sysarg
unit_sysarg_SRCS := tests/unit/test_sysarg.c kernel/lib/sysarg.c

UNIT_TESTS += timerq
unit_timerq_SRCS := tests/unit/test_timerq.c kernel/lib/timerq.c

UNIT_TESTS += page_alloc
unit_page_alloc_SRCS := tests/unit/test_page_alloc.c kernel/mm/page_alloc.c

UNIT_TESTS += kheap
unit_kheap_SRCS := tests/unit/test_kheap.c kernel/mm/kheap.c kernel/mm/page_alloc.c

UNIT_TESTS += slot_alloc
unit_slot_alloc_SRCS := tests/unit/test_slot_alloc.c kernel/mm/slot_alloc.c

UNIT_TESTS += bav
unit_bav_SRCS := tests/unit/test_bav.c user/player/bav.c tools/encode/bav_encode.c

# Audio (audio/): PCM stream and clock, WAV, tone; and the virtio-sound
# messages (drivers/virtio/virtio_snd_proto.c).
UNIT_TESTS += pcm_stream
unit_pcm_stream_SRCS := tests/unit/test_pcm_stream.c audio/pcm_stream.c kernel/lib/ringbuf.c

UNIT_TESTS += pcm_pacer
unit_pcm_pacer_SRCS := tests/unit/test_pcm_pacer.c audio/pcm_pacer.c

UNIT_TESTS += vsnd_proto
unit_vsnd_proto_SRCS := tests/unit/test_vsnd_proto.c drivers/virtio/virtio_snd_proto.c

UNIT_TESTS += wav
unit_wav_SRCS := tests/unit/test_wav.c audio/wav.c

UNIT_TESTS += bcache
unit_bcache_SRCS := tests/unit/test_bcache.c fs/bcache.c

UNIT_TESTS += ext2
unit_ext2_SRCS := tests/unit/test_ext2.c $(sort $(wildcard fs/ext2/*.c)) fs/bcache.c
# test_ext2 runs mke2fs, e2fsck and debugfs on images in a temporary directory.

UNIT_TESTS += tone
unit_tone_SRCS := tests/unit/test_tone.c audio/tone.c
unit_tone_LIBS := -lm

UNIT_TESTS += cksum
unit_cksum_SRCS := tests/unit/test_cksum.c kernel/lib/cksum.c

# Graphics and terminal (gfx/, kernel/lib/ldisc.c). The font tests use the
# generated built-in font and build/gen/font_large.psf (rules in gfx/gfx.mk).
UNIT_TESTS += fb
unit_fb_SRCS := tests/unit/test_fb.c gfx/fb.c

UNIT_TESTS += psf2
unit_psf2_SRCS := tests/unit/test_psf2.c gfx/psf2.c gfx/fb.c $(BUILD)/gen/font_default.c
$(BUILD)/tests/unit/test_psf2: $(BUILD)/gen/font_large.psf

UNIT_TESTS += tty
unit_tty_SRCS := tests/unit/test_tty.c gfx/tty.c gfx/psf2.c gfx/fb.c $(BUILD)/gen/font_default.c

UNIT_TESTS += ldisc
unit_ldisc_SRCS := tests/unit/test_ldisc.c kernel/lib/ldisc.c

UNIT_TESTS += keymap
unit_keymap_SRCS := tests/unit/test_keymap.c gfx/keymap.c

UNIT_TESTS += path
unit_path_SRCS := tests/unit/test_path.c fs/path.c

# ---- user C library (user/lib) ----------------------------------------------
# The allocator core (user/lib/heap.c) has its own names and builds as is.
# The rest of the libc defines the same symbols as the host's C library, so
# its sources are compiled against the libc's own headers with every public
# name renamed to ulibc_NAME (tests/unit/test_libc_names.h, forced in with
# -include) into an archive; the tests link it together with
# test_libc_fakes.c, which stands in for read/write/lseek/open/close/
# getdents/malloc.
LIBC_HOST_MODULES := string ctype strtol qsort getopt errno stdio dirent
# kernel/lib/string.c is the libc's memcpy/strlen/...: tested here the same way.
LIBC_HOST_OBJS := $(patsubst %,$(BUILD)/tests/unit/libc/%.o,$(LIBC_HOST_MODULES)) \
	$(BUILD)/tests/unit/libc/kernel_string.o
LIBC_HOST_LIB := $(BUILD)/tests/unit/libc/libulibc.a
LIBC_HOST_CFLAGS := $(HOST_CFLAGS) -UHOST_TEST -ffreestanding -fno-builtin \
	-fno-tree-loop-distribute-patterns -isystem user/lib/include \
	-include tests/unit/test_libc_names.h

$(BUILD)/tests/unit/libc/%.o: user/lib/%.c tests/unit/test_libc_names.h | deps
	@mkdir -p $(@D)
	$(HOSTCC) $(LIBC_HOST_CFLAGS) -c $< -o $@

$(BUILD)/tests/unit/libc/kernel_string.o: kernel/lib/string.c tests/unit/test_libc_names.h | deps
	@mkdir -p $(@D)
	$(HOSTCC) $(LIBC_HOST_CFLAGS) -c $< -o $@

$(LIBC_HOST_LIB): $(LIBC_HOST_OBJS)
	@rm -f $@
	ar rcs $@ $^
-include $(LIBC_HOST_OBJS:.o=.d)

LIBC_HOST_TEST_SRCS := tests/unit/test_libc_fakes.c \
	kernel/lib/fmt.c $(LIBC_HOST_LIB)

# 128-bit division for clang builds (user/lib/int128.c), included renamed.
UNIT_TESTS += int128
unit_int128_SRCS := tests/unit/test_int128.c

UNIT_TESTS += libc_malloc
unit_libc_malloc_SRCS := tests/unit/test_libc_malloc.c user/lib/heap.c

UNIT_TESTS += libc_string
unit_libc_string_SRCS := tests/unit/test_libc_string.c $(LIBC_HOST_TEST_SRCS)

UNIT_TESTS += libc_stdlib
unit_libc_stdlib_SRCS := tests/unit/test_libc_stdlib.c $(LIBC_HOST_TEST_SRCS)

UNIT_TESTS += libc_stdio
unit_libc_stdio_SRCS := tests/unit/test_libc_stdio.c $(LIBC_HOST_TEST_SRCS)

UNIT_TESTS += libc_dirent
unit_libc_dirent_SRCS := tests/unit/test_libc_dirent.c $(LIBC_HOST_TEST_SRCS)

# The player's text renderer (player --text).
UNIT_TESTS += textmode
unit_textmode_SRCS := tests/unit/test_textmode.c user/player/textmode.c
