# gfx/gfx.mk — the built-in console font and the fonts for the disk image.
# Included by the top-level Makefile (after kernel/kernel.mk).
#
# The kernel's fallback font is generated, not typed: tools/mkfont.py reads
# Debian's console-setup-linux font Uni2-VGA16 (8x16, 512 glyphs, Unicode
# table; PSF1 on disk) and writes it as PSF2 into build/gen/font_default.c
# (a byte array linked into the kernel) and build/gen/font_default.psf.
# A missing font file runs tools/deps.sh, which installs the package.
#
#   GFX_FONT_FILES   the .psf files the disk image copies to /usr/share/fonts
#                    (appended to DISK_FONT_FILES, used by fs/disk.mk)

# Debian's place for them, or /usr/local/share/consolefonts where
# tools/deps.sh tells other systems to unpack them.
GFX_FONT_DIR := $(or $(patsubst %/Uni2-VGA16.psf.gz,%,$(firstword $(wildcard \
	/usr/share/consolefonts/Uni2-VGA16.psf.gz \
	/usr/local/share/consolefonts/Uni2-VGA16.psf.gz))),/usr/share/consolefonts)
GFX_FONT_SRC := $(GFX_FONT_DIR)/Uni2-VGA16.psf.gz
GFX_FONT_LARGE_SRC := $(GFX_FONT_DIR)/Uni2-Terminus32x16.psf.gz
GFX_FONT_C := $(BUILD)/gen/font_default.c
GFX_FONT_OBJ := $(BUILD)/k/gen/font_default.c.o

$(GFX_FONT_SRC) $(GFX_FONT_LARGE_SRC):
	tools/deps.sh
	@test -f $@ || { echo "gfx: $@ missing after tools/deps.sh" >&2; exit 1; }

$(GFX_FONT_C): $(GFX_FONT_SRC) tools/mkfont.py | deps
	@mkdir -p $(@D)
	$(PYTHON) tools/mkfont.py $(GFX_FONT_SRC) --c $@ --name font_default_psf

$(BUILD)/gen/font_default.psf: $(GFX_FONT_SRC) tools/mkfont.py | deps
	@mkdir -p $(@D)
	$(PYTHON) tools/mkfont.py $(GFX_FONT_SRC) --psf $@

$(BUILD)/gen/font_large.psf: $(GFX_FONT_LARGE_SRC) tools/mkfont.py | deps
	@mkdir -p $(@D)
	$(PYTHON) tools/mkfont.py $(GFX_FONT_LARGE_SRC) --psf $@

$(GFX_FONT_OBJ): $(GFX_FONT_C) | deps
	@mkdir -p $(@D)
	$(KCC) $(KCFLAGS) -c $< -o $@

# kernel.mk expanded the link prerequisites before this file was read, so
# name the object as a prerequisite here too; the link recipes expand
# $(KERNEL_OBJS) late and so pick it up.
KERNEL_OBJS += $(GFX_FONT_OBJ)
$(BUILD)/kernel.pass1.elf $(BUILD)/kernel.elf: $(GFX_FONT_OBJ)
-include $(GFX_FONT_OBJ:.o=.d)

GFX_FONT_FILES := $(BUILD)/gen/font_default.psf $(BUILD)/gen/font_large.psf
DISK_FONT_FILES += $(GFX_FONT_FILES)
# fs/disk.mk is read before this file, so its prerequisite list may have
# been expanded without these: name them here too (its recipe, expanded
# late, sees the full DISK_FONT_FILES).
$(BUILD)/hdd.dsk: $(GFX_FONT_FILES)
