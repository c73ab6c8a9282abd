/*
 * kernel/arch/fdt.h — read-only parser for a flattened device tree (DTB), as
 * described by the Devicetree Specification v0.4, chapter 5.
 *
 * fdt_open() checks the header and validates the whole structure block once:
 * every token is known and 4-byte aligned, node names and property names are
 * NUL-terminated inside their blocks, property values lie inside the
 * structure block, nodes nest at most FDT_MAX_DEPTH deep and balance,
 * properties precede subnodes, there is exactly one root, the block ends with
 * FDT_END, and the memory reservation block is terminated inside the blob.
 * A struct fdt is only ever filled by a successful fdt_open(); on failure it
 * is zeroed, and every accessor then fails cleanly. Accessors additionally
 * bounds-check each read, so a bogus node offset from a caller yields an
 * error or NULL, never an out-of-bounds read or an endless loop.
 *
 * Error classes: FDT_ERR_TRUNCATED — fewer bytes available than the header
 * claims (or than a header needs); FDT_ERR_BADOFFSET — the header's block
 * offsets/sizes do not fit in the blob, overlap the header or each other, or a
 * property name offset lies outside the strings block; FDT_ERR_BADSTRUCT —
 * anything wrong inside the structure block (or an unterminated string).
 *
 * Nodes and properties are named by the offset of their token (FDT_BEGIN_NODE
 * or FDT_PROP) in the structure block. Pointers returned point into the blob,
 * which must stay mapped and unchanged while the struct fdt is used.
 * Everything is freestanding: no libc, no allocation, no global state.
 */
#ifndef KERNEL_FDT_H
#define KERNEL_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_HEADER_SIZE 40u   /* version 17 header: ten big-endian u32 */
#define FDT_MAX_DEPTH 32      /* root is depth 1 */

/* Structure block tokens. */
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

struct fdt {
    const uint8_t *base;      /* start of the blob */
    uint32_t totalsize;
    uint32_t off_struct, size_struct;
    uint32_t off_strings, size_strings;
    uint32_t off_rsvmap;
};

enum {
    FDT_OK = 0, FDT_ERR_MAGIC = -1, FDT_ERR_VERSION = -2, FDT_ERR_TRUNCATED = -3,
    FDT_ERR_BADOFFSET = -4, FDT_ERR_BADSTRUCT = -5, FDT_ERR_NOTFOUND = -6,
    FDT_ERR_BADVALUE = -7,
};

/* Validate a blob of which `avail` bytes are readable (the kernel passes the
 * header's totalsize after checking the magic, capped sensibly; tests pass the
 * file size). Accepts version >= 17 with last_comp_version <= 17. */
int fdt_open(struct fdt *fdt, const void *blob, size_t avail);
const char *fdt_strerror(int err);               /* "bad magic", ... */
uint32_t fdt_be32(const void *p);                /* unaligned-safe big-endian loads */
uint64_t fdt_be64(const void *p);

/* Nodes are identified by the offset of their FDT_BEGIN_NODE token in the
 * structure block (>= 0). Negative values are errors / "none". */
int fdt_root(const struct fdt *fdt);
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
int fdt_parent(const struct fdt *fdt, int node);          /* root's parent: FDT_ERR_NOTFOUND */
const char *fdt_node_name(const struct fdt *fdt, int node); /* "serial@10000000"; root is "" */

/* "/", "/chosen", "/cpus/cpu@0", "/soc/plic@c000000". Per component, a child
 * whose full name equals it wins; otherwise a component without "@unit"
 * matches the first child whose name before '@' equals it ("/memory" finds
 * memory@80000000, "/cpus/cpu" finds the first cpu@N). Empty components
 * ("//", trailing '/') are skipped. A path not starting with '/' is looked up
 * in /aliases first ("serial0" or "serial0/child"). */
int fdt_path(const struct fdt *fdt, const char *path);
/* Same, but only the first `len` bytes of path count (e.g. stdout-path
 * "/soc/serial@10000000:115200" up to the ':'). */
int fdt_path_len(const struct fdt *fdt, const char *path, size_t len);

/* Depth-first (document order) node iteration over the whole tree: pass -1
 * to start at the root; FDT_ERR_NOTFOUND after the last node. */
int fdt_next_node(const struct fdt *fdt, int node);

/* Property lookup by name on one node (not its children). *len (if non-NULL)
 * receives the value length; 0 when not found. */
const void *fdt_prop(const struct fdt *fdt, int node, const char *name, uint32_t *len);
bool fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out); /* exactly 4 bytes */
bool fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out); /* 8 bytes, or 4 zero-extended */
const char *fdt_prop_str(const struct fdt *fdt, int node, const char *name); /* NUL-terminated within len, else NULL */

/* Property iteration: offsets of FDT_PROP tokens of one node, in order. */
int fdt_first_prop(const struct fdt *fdt, int node);
int fdt_next_prop(const struct fdt *fdt, int prop);
/* Value of the property at `prop`; its name in *name, length in *len (both
 * optional). NULL if `prop` is not a property token. */
const void *fdt_prop_at(const struct fdt *fdt, int prop, const char **name, uint32_t *len);

/* A stringlist is NUL-terminated strings back to back ("a\0b\0"); an
 * unterminated tail never matches. */
bool fdt_stringlist_contains(const char *list, uint32_t len, const char *s); /* exact match of one entry */
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);
int fdt_find_compatible(const struct fdt *fdt, int after, const char *compat); /* after=-1: from start */
int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle);   /* "phandle" (or "linux,phandle") */

/* #address-cells / #size-cells that apply to `node`'s reg: the values of its
 * parent (defaults 2 and 1 when absent, per spec; the root gets the defaults). */
uint32_t fdt_address_cells(const struct fdt *fdt, int node);
uint32_t fdt_size_cells(const struct fdt *fdt, int node);
/* The index-th (address, size) pair of node's "reg"; false if absent or
 * malformed (length not a multiple of the pair size, #address-cells 0 or
 * > 2, #size-cells > 2). #size-cells 0 gives size 0. */
bool fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size);
/* The index-th entry of the memory reservation block; false past the end. */
bool fdt_rsvmap_entry(const struct fdt *fdt, int index, uint64_t *addr, uint64_t *size);

#endif
