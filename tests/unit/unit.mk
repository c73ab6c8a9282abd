# tests/unit/unit.mk — host unit tests: one binary per test file.
#
# Each test is registered by name: UNIT_TESTS += NAME, and
# unit_NAME_SRCS lists tests/unit/test_NAME.c plus the pure sources it tests.
# Binaries go to build/tests/unit/test_NAME, built with the host compiler
# under AddressSanitizer and UndefinedBehaviorSanitizer (HOST_TEST defined).

UNIT_TESTS += fmt
unit_fmt_SRCS := tests/unit/test_fmt.c kernel/fmt.c

UNIT_TESTS += cmdline
unit_cmdline_SRCS := tests/unit/test_cmdline.c kernel/cmdline.c

UNIT_TESTS += fdt
unit_fdt_SRCS := tests/unit/test_fdt.c kernel/fdt.c
# test_fdt reads device trees that QEMU dumps (see Makefile: unit-data).

UNIT_TESTS += ringbuf
unit_ringbuf_SRCS := tests/unit/test_ringbuf.c kernel/ringbuf.c

UNIT_TESTS += page_alloc
unit_page_alloc_SRCS := tests/unit/test_page_alloc.c kernel/page_alloc.c

UNIT_TESTS += kheap
unit_kheap_SRCS := tests/unit/test_kheap.c kernel/kheap.c kernel/page_alloc.c

UNIT_TESTS += slot_alloc
unit_slot_alloc_SRCS := tests/unit/test_slot_alloc.c kernel/slot_alloc.c

UNIT_TESTS += bav
unit_bav_SRCS := tests/unit/test_bav.c user/player/bav.c tools/encode/bav_encode.c
