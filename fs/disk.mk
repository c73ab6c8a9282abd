# fs/disk.mk — the disk image build/hdd.dsk, an ext2 file system made by
# mke2fs from a staging tree (see docs/disk.md). Included by the Makefile.
#
#   make disk          $(DISK_IMG)
#
# Other fragments append what goes on the disk (they are included after this
# one, so the image's prerequisites are expanded late, see .SECONDEXPANSION):
#   DISK_BIN_FILES   programs, copied into /bin
#   DISK_FONT_FILES  fonts, copied into /usr/share/fonts
# /etc comes from assets/disk/etc/, /media holds $(MEDIA_BAVS) (the default
# clip and CLIP=, tools/encode/encode.mk).
#
# Size: what the tree holds x 1.25 + 16 MiB of free room, rounded up to a
# MiB. Block size 4 KiB: the clip is read as one long stream, and bigger
# blocks mean fewer indirect blocks and bigger device reads. The image is
# checked with e2fsck -fn before it replaces the old one.

DISK_IMG := $(BUILD)/hdd.dsk
DISK_ROOT := $(BUILD)/disk-root
DISK_BLOCK_SIZE := 4096
DISK_FREE_KIB := 16384
DISK_LABEL := badapple
DISK_BIN_FILES ?=
DISK_FONT_FILES ?=
DISK_ETC_FILES := $(wildcard assets/disk/etc/*)

# The list of files itself is a prerequisite: removing a program (or
# changing CLIP=) must rebuild the image even though no file got newer. The
# manifest's recipe always runs but replaces the file only when the list
# changed, so make sees a new timestamp exactly then.
DISK_MANIFEST := $(BUILD)/disk-manifest.txt
.PHONY: FORCE
FORCE:
$(DISK_MANIFEST): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(sort $(DISK_BIN_FILES) $(DISK_FONT_FILES) $(DISK_ETC_FILES) $(MEDIA_BAVS)) \
	  > $@.new
	@cmp -s $@.new $@ || mv $@.new $@
	@rm -f $@.new

.SECONDEXPANSION:
$(DISK_IMG): $$(DISK_BIN_FILES) $$(DISK_FONT_FILES) $$(DISK_ETC_FILES) $$(MEDIA_BAVS) \
		$(DISK_MANIFEST) fs/disk.mk | deps
	rm -rf $(DISK_ROOT)
	mkdir -p $(DISK_ROOT)/bin $(DISK_ROOT)/etc $(DISK_ROOT)/media \
	  $(DISK_ROOT)/usr/share/fonts $(DISK_ROOT)/home $(DISK_ROOT)/tmp
	$(if $(strip $(DISK_BIN_FILES)),cp $(DISK_BIN_FILES) $(DISK_ROOT)/bin/)
	$(if $(strip $(DISK_FONT_FILES)),cp $(DISK_FONT_FILES) $(DISK_ROOT)/usr/share/fonts/)
	$(if $(strip $(DISK_ETC_FILES)),cp $(DISK_ETC_FILES) $(DISK_ROOT)/etc/)
	cp $(MEDIA_BAVS) $(DISK_ROOT)/media/
	chmod 1777 $(DISK_ROOT)/tmp
	@content=$$(du -sk $(DISK_ROOT) | cut -f1); \
	size=$$(( (content * 5 / 4 + $(DISK_FREE_KIB) + 1023) / 1024 * 1024 )); \
	echo "disk: $${content} KiB of files -> $${size} KiB image"; \
	rm -f $@.tmp; \
	mke2fs -q -F -t ext2 -b $(DISK_BLOCK_SIZE) -L $(DISK_LABEL) -E root_owner=0:0 \
	  -d $(DISK_ROOT) $@.tmp $${size}k
	@e2fsck -fn $@.tmp >/dev/null 2>&1 || { e2fsck -fn $@.tmp; exit 1; }
	mv $@.tmp $@

disk: $(DISK_IMG)

TEST_EXTRA_PREREQS += $(DISK_IMG)

.PHONY: disk
