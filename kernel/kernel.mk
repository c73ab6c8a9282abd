# kernel/kernel.mk — the kernel image, build/kernel.elf.
#
# Every .c/.S in the folders of KERNEL_DIRS is compiled with KCFLAGS. The
# list is the kernel's folders from the lowest layer to the highest (the
# rank table in kernel/README.md; tests/host/test_layers.py checks the two
# agree and that no file includes a folder above its own). The image is linked twice: first with an
# empty symbol table, then with the table generated from the first link
# (tools/ksyms.py), which the panic backtrace uses to name functions. The
# table sits at the end of rodata and linker relaxation is off, so code does
# not move between the two links; the build checks that.

KERNEL_DIRS := kernel/abi kernel/lib kernel/hooks kernel/arch kernel/mm kernel/task \
	drivers drivers/virtio fs fs/ext2 gfx audio kernel/syscall kernel/proc kernel/dev \
	kernel/debug kernel
KERNEL_SRCS := $(sort $(foreach d,$(KERNEL_DIRS),$(wildcard $(d)/*.c $(d)/*.S)))
KERNEL_OBJS := $(patsubst %,$(BUILD)/k/%.o,$(KERNEL_SRCS))

$(BUILD)/k/%.c.o: %.c | deps
	@mkdir -p $(@D)
	$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.S.o: %.S | deps
	@mkdir -p $(@D)
	$(KCC) $(KCFLAGS) -D__ASSEMBLER__ -c $< -o $@

# swtch.S saves and restores the user's FP registers: only it may use F and D
# (the C code must not, see the Makefile); GCC and clang both accept a
# later -march.
$(BUILD)/k/kernel/arch/swtch.S.o: KCFLAGS += -march=$(KARCH:rv64imac%=rv64imafdc%)

$(BUILD)/k/ksyms-empty.S: tools/ksyms.py | deps
	@mkdir -p $(@D)
	$(PYTHON) tools/ksyms.py --empty > $@

$(BUILD)/k/ksyms-empty.o: $(BUILD)/k/ksyms-empty.S
	$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/kernel.pass1.elf: $(KERNEL_OBJS) $(BUILD)/k/ksyms-empty.o kernel/kernel.ld
	$(KCC) $(KCFLAGS) $(KLDFLAGS) -T kernel/kernel.ld -o $@ $(KERNEL_OBJS) $(BUILD)/k/ksyms-empty.o

$(BUILD)/k/ksyms.S: $(BUILD)/kernel.pass1.elf tools/ksyms.py
	$(PYTHON) tools/ksyms.py --nm $(KNM) $< > $@

$(BUILD)/k/ksyms.o: $(BUILD)/k/ksyms.S
	$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/kernel.elf: $(KERNEL_OBJS) $(BUILD)/k/ksyms.o kernel/kernel.ld
	$(KCC) $(KCFLAGS) $(KLDFLAGS) -T kernel/kernel.ld -o $@.tmp $(KERNEL_OBJS) $(BUILD)/k/ksyms.o
	$(PYTHON) tools/ksyms.py --nm $(KNM) $@.tmp | cmp -s - $(BUILD)/k/ksyms.S || \
	    { echo "kernel: code moved between the two links; see kernel/kernel.mk" >&2; exit 1; }
	mv $@.tmp $@

-include $(KERNEL_OBJS:.o=.d)
