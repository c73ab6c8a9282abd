/*
 * kernel/arch/fdt.c — flattened device tree parser (interface and invariants in
 * fdt.h). Written from the Devicetree Specification v0.4, chapter 5.
 *
 * Layout reminder: a 40-byte big-endian header, the memory reservation block
 * (16-byte (address, size) entries ending with (0, 0)), the structure block
 * (a stream of 4-byte aligned tokens) and the strings block (property names,
 * referenced by offset). Offsets inside the structure block are kept in
 * uint64_t while being computed so that a hostile length cannot wrap.
 *
 * Every walk below advances strictly forward through the structure block and
 * checks each read against size_struct, so it ends within size_struct/4 steps
 * whatever the input; fdt_open's full validation just means that on a good
 * blob those checks never fire.
 */
#include "kernel/arch/fdt.h"

/* A value that is never a valid token: returned for reads out of range. */
#define TOKEN_INVALID 0u

/* ---- byte helpers ------------------------------------------------------- */

uint32_t fdt_be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_be64(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)fdt_be32(b) << 32 | fdt_be32(b + 4);
}

/* Length of the string at p if a NUL occurs in the first `limit` bytes, else -1. */
static int64_t bounded_strlen(const uint8_t *p, uint64_t limit)
{
    for (uint64_t i = 0; i < limit; i++)
        if (p[i] == 0)
            return (int64_t)i;
    return -1;
}

static size_t cstr_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Does the NUL-terminated string at p (at most `limit` readable bytes) equal
 * the first n bytes of s exactly? */
static bool bounded_eq(const uint8_t *p, uint64_t limit, const char *s, size_t n)
{
    if (n >= limit)
        return false;               /* no room for n bytes plus the NUL */
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)s[i])
            return false;
    return p[n] == 0;
}

static uint64_t align4(uint64_t x) { return (x + 3) & ~(uint64_t)3; }

/* ---- header ------------------------------------------------------------- */

enum {
    HDR_MAGIC = 0, HDR_TOTALSIZE = 4, HDR_OFF_STRUCT = 8, HDR_OFF_STRINGS = 12,
    HDR_OFF_RSVMAP = 16, HDR_VERSION = 20, HDR_LAST_COMP = 24,
    HDR_BOOT_CPUID = 28, HDR_SIZE_STRINGS = 32, HDR_SIZE_STRUCT = 36,
};
#define FDT_VERSION_SUPPORTED 17u
#define RSV_ENTRY_SIZE 16u

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    if (alen == 0 || blen == 0)
        return false;
    return a < b + blen && b < a + alen;
}

/* ---- structure block tokens --------------------------------------------- */

static bool usable(const struct fdt *fdt) { return fdt && fdt->base; }

static const uint8_t *struct_ptr(const struct fdt *fdt, uint64_t off)
{
    return fdt->base + fdt->off_struct + off;
}

/* The token at structure offset `off`, or TOKEN_INVALID when off is negative,
 * misaligned or not followed by 4 readable bytes of the block. */
static uint32_t token_at(const struct fdt *fdt, int64_t off)
{
    if (off < 0 || (off & 3) || (uint64_t)off + 4 > fdt->size_struct)
        return TOKEN_INVALID;
    return fdt_be32(struct_ptr(fdt, (uint64_t)off));
}

/* Offset of the token after the one at `off` (which is stored in *tag), or
 * FDT_ERR_BADSTRUCT if that token is unknown or overruns the block. For
 * FDT_END the result is simply off + 4. */
static int next_token(const struct fdt *fdt, int off, uint32_t *tag)
{
    uint32_t t = token_at(fdt, off);
    uint64_t pos = (uint64_t)off + 4;
    *tag = t;
    switch (t) {
    case FDT_BEGIN_NODE: {
        int64_t n = bounded_strlen(struct_ptr(fdt, pos), fdt->size_struct - pos);
        if (n < 0)
            return FDT_ERR_BADSTRUCT;
        pos += (uint64_t)n + 1;
        break;
    }
    case FDT_PROP:
        if (pos + 8 > fdt->size_struct)
            return FDT_ERR_BADSTRUCT;
        pos += 8 + (uint64_t)fdt_be32(struct_ptr(fdt, pos));
        break;
    case FDT_END_NODE:
    case FDT_NOP:
    case FDT_END:
        break;
    default:
        return FDT_ERR_BADSTRUCT;
    }
    pos = align4(pos);
    if (pos > fdt->size_struct)
        return FDT_ERR_BADSTRUCT;
    return (int)pos;
}

static int skip_nops(const struct fdt *fdt, int off)
{
    while (off >= 0 && token_at(fdt, off) == FDT_NOP)
        off += 4;
    return off;
}

/* Offset of the first token after node's FDT_BEGIN_NODE and name. */
static int node_body(const struct fdt *fdt, int node)
{
    uint32_t tag;
    if (!usable(fdt) || token_at(fdt, node) != FDT_BEGIN_NODE)
        return FDT_ERR_BADOFFSET;
    return next_token(fdt, node, &tag);
}

/* Offset just past the FDT_END_NODE that closes `node`. */
static int subtree_end(const struct fdt *fdt, int node)
{
    int depth = 0, pos = node;
    if (!usable(fdt) || token_at(fdt, node) != FDT_BEGIN_NODE)
        return FDT_ERR_BADOFFSET;
    for (;;) {
        uint32_t tag;
        int next = next_token(fdt, pos, &tag);
        if (next < 0)
            return next;
        if (tag == FDT_BEGIN_NODE) {
            depth++;
        } else if (tag == FDT_END_NODE) {
            if (--depth == 0)
                return next;
        } else if (tag == FDT_END) {
            return FDT_ERR_BADSTRUCT;
        }
        pos = next;
    }
}

/* ---- fdt_open: full validation ------------------------------------------ */

static int validate_rsvmap(const struct fdt *fdt)
{
    uint64_t off = fdt->off_rsvmap;
    if (off < FDT_HEADER_SIZE || (off & 7))
        return FDT_ERR_BADOFFSET;
    for (;;) {
        if (off + RSV_ENTRY_SIZE > fdt->totalsize)
            return FDT_ERR_BADOFFSET;       /* no (0, 0) terminator */
        uint64_t addr = fdt_be64(fdt->base + off), size = fdt_be64(fdt->base + off + 8);
        off += RSV_ENTRY_SIZE;
        if (addr == 0 && size == 0)
            break;
    }
    uint64_t len = off - fdt->off_rsvmap;
    if (ranges_overlap(fdt->off_rsvmap, len, fdt->off_struct, fdt->size_struct) ||
        ranges_overlap(fdt->off_rsvmap, len, fdt->off_strings, fdt->size_strings))
        return FDT_ERR_BADOFFSET;
    return FDT_OK;
}

static int validate_struct(const struct fdt *fdt)
{
    /* has_child[d]: the open node at depth d already has a subnode, so a
     * property now would break "properties before subnodes" (spec 5.4.2). */
    bool has_child[FDT_MAX_DEPTH + 1];
    int depth = 0, pos = 0;
    bool root_closed = false;

    has_child[0] = false;
    for (;;) {
        uint32_t tag;
        if ((uint64_t)pos + 4 > fdt->size_struct)
            return FDT_ERR_BADSTRUCT;       /* ran out before FDT_END */
        int next = next_token(fdt, pos, &tag);
        if (next < 0)
            return next;
        switch (tag) {
        case FDT_BEGIN_NODE:
            if (depth == 0 && root_closed)
                return FDT_ERR_BADSTRUCT;   /* a second root */
            if (depth == FDT_MAX_DEPTH)
                return FDT_ERR_BADSTRUCT;
            has_child[depth] = true;
            has_child[++depth] = false;
            break;
        case FDT_END_NODE:
            if (depth == 0)
                return FDT_ERR_BADSTRUCT;
            if (--depth == 0)
                root_closed = true;
            break;
        case FDT_PROP: {
            if (depth == 0 || has_child[depth])
                return FDT_ERR_BADSTRUCT;
            uint32_t nameoff = fdt_be32(struct_ptr(fdt, (uint64_t)pos + 8));
            if (nameoff >= fdt->size_strings)
                return FDT_ERR_BADOFFSET;
            if (bounded_strlen(fdt->base + fdt->off_strings + nameoff,
                               fdt->size_strings - nameoff) < 0)
                return FDT_ERR_BADSTRUCT;
            break;
        }
        case FDT_NOP:
            break;
        case FDT_END:
            return depth == 0 && root_closed ? FDT_OK : FDT_ERR_BADSTRUCT;
        }
        pos = next;
    }
}

int fdt_open(struct fdt *fdt, const void *blob, size_t avail)
{
    struct fdt f = {0};
    const uint8_t *b = blob;
    int err;

    if (!fdt)
        return FDT_ERR_BADVALUE;
    *fdt = f;                               /* failed opens leave it unusable */
    if (!b || avail < 4)
        return FDT_ERR_TRUNCATED;
    if (fdt_be32(b + HDR_MAGIC) != FDT_MAGIC)
        return FDT_ERR_MAGIC;
    if (avail < FDT_HEADER_SIZE)
        return FDT_ERR_TRUNCATED;
    /* Version 17 added size_dt_struct, which the walk needs; a blob whose
     * last_comp_version is newer than 17 is not readable as 17. */
    if (fdt_be32(b + HDR_VERSION) < FDT_VERSION_SUPPORTED ||
        fdt_be32(b + HDR_LAST_COMP) > FDT_VERSION_SUPPORTED)
        return FDT_ERR_VERSION;

    f.base = b;
    f.totalsize = fdt_be32(b + HDR_TOTALSIZE);
    f.off_struct = fdt_be32(b + HDR_OFF_STRUCT);
    f.size_struct = fdt_be32(b + HDR_SIZE_STRUCT);
    f.off_strings = fdt_be32(b + HDR_OFF_STRINGS);
    f.size_strings = fdt_be32(b + HDR_SIZE_STRINGS);
    f.off_rsvmap = fdt_be32(b + HDR_OFF_RSVMAP);

    if (f.totalsize < FDT_HEADER_SIZE)
        return FDT_ERR_BADOFFSET;
    if (f.totalsize > avail)
        return FDT_ERR_TRUNCATED;
    /* Node offsets are ints, and tokens are aligned relative to the blob. */
    if (f.off_struct < FDT_HEADER_SIZE || (f.off_struct & 3) ||
        (uint64_t)f.off_struct + f.size_struct > f.totalsize ||
        f.size_struct > 0x7ffffff0u)
        return FDT_ERR_BADOFFSET;
    if (f.off_strings < FDT_HEADER_SIZE ||
        (uint64_t)f.off_strings + f.size_strings > f.totalsize)
        return FDT_ERR_BADOFFSET;
    if (ranges_overlap(f.off_struct, f.size_struct, f.off_strings, f.size_strings))
        return FDT_ERR_BADOFFSET;
    err = validate_rsvmap(&f);
    if (err)
        return err;
    err = validate_struct(&f);
    if (err)
        return err;
    *fdt = f;
    return FDT_OK;
}

const char *fdt_strerror(int err)
{
    switch (err) {
    case FDT_OK: return "ok";
    case FDT_ERR_MAGIC: return "bad magic";
    case FDT_ERR_VERSION: return "unsupported version";
    case FDT_ERR_TRUNCATED: return "truncated blob";
    case FDT_ERR_BADOFFSET: return "bad offset";
    case FDT_ERR_BADSTRUCT: return "bad structure block";
    case FDT_ERR_NOTFOUND: return "not found";
    case FDT_ERR_BADVALUE: return "bad value";
    default: return "unknown error";
    }
}

/* ---- nodes -------------------------------------------------------------- */

int fdt_root(const struct fdt *fdt)
{
    if (!usable(fdt))
        return FDT_ERR_BADOFFSET;
    int pos = skip_nops(fdt, 0);
    return token_at(fdt, pos) == FDT_BEGIN_NODE ? pos : FDT_ERR_BADSTRUCT;
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
    if (!usable(fdt) || token_at(fdt, node) != FDT_BEGIN_NODE)
        return NULL;
    uint64_t name = (uint64_t)node + 4;
    if (bounded_strlen(struct_ptr(fdt, name), fdt->size_struct - name) < 0)
        return NULL;
    return (const char *)struct_ptr(fdt, name);
}

int fdt_first_child(const struct fdt *fdt, int node)
{
    int pos = node_body(fdt, node);
    while (pos >= 0) {
        uint32_t t = token_at(fdt, pos), tag;
        if (t == FDT_BEGIN_NODE)
            return pos;
        if (t != FDT_PROP && t != FDT_NOP)
            return t == FDT_END_NODE ? FDT_ERR_NOTFOUND : FDT_ERR_BADSTRUCT;
        pos = next_token(fdt, pos, &tag);
    }
    return pos;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
    int pos = skip_nops(fdt, subtree_end(fdt, node));
    if (pos < 0)
        return pos;
    return token_at(fdt, pos) == FDT_BEGIN_NODE ? pos : FDT_ERR_NOTFOUND;
}

int fdt_parent(const struct fdt *fdt, int node)
{
    int stack[FDT_MAX_DEPTH];
    int depth = 0, pos = 0;

    if (!usable(fdt) || token_at(fdt, node) != FDT_BEGIN_NODE)
        return FDT_ERR_BADOFFSET;
    /* One forward walk keeping the chain of open nodes; stop at `node`. */
    while (pos <= node) {
        uint32_t tag;
        int next = next_token(fdt, pos, &tag);
        if (next < 0)
            return next;
        if (tag == FDT_BEGIN_NODE) {
            if (pos == node)
                return depth > 0 ? stack[depth - 1] : FDT_ERR_NOTFOUND;
            if (depth == FDT_MAX_DEPTH)
                return FDT_ERR_BADSTRUCT;
            stack[depth++] = pos;
        } else if (tag == FDT_END_NODE) {
            if (depth == 0)
                return FDT_ERR_BADSTRUCT;
            depth--;
        } else if (tag == FDT_END) {
            break;
        }
        pos = next;
    }
    return FDT_ERR_BADOFFSET;   /* `node` was inside some other token */
}

int fdt_next_node(const struct fdt *fdt, int node)
{
    if (node == -1)
        return fdt_root(fdt);
    /* Document order is depth-first preorder: the next FDT_BEGIN_NODE token
     * in the stream, wherever it is, is the next node. */
    int pos = node_body(fdt, node);
    while (pos >= 0) {
        uint32_t tag;
        uint32_t t = token_at(fdt, pos);
        if (t == FDT_BEGIN_NODE)
            return pos;
        if (t == FDT_END)
            return FDT_ERR_NOTFOUND;
        pos = next_token(fdt, pos, &tag);
    }
    return pos;
}

/* ---- properties --------------------------------------------------------- */

int fdt_first_prop(const struct fdt *fdt, int node)
{
    int pos = skip_nops(fdt, node_body(fdt, node));
    if (pos < 0)
        return pos;
    return token_at(fdt, pos) == FDT_PROP ? pos : FDT_ERR_NOTFOUND;
}

int fdt_next_prop(const struct fdt *fdt, int prop)
{
    uint32_t tag;
    if (!usable(fdt) || token_at(fdt, prop) != FDT_PROP)
        return FDT_ERR_BADOFFSET;
    int pos = skip_nops(fdt, next_token(fdt, prop, &tag));
    if (pos < 0)
        return pos;
    return token_at(fdt, pos) == FDT_PROP ? pos : FDT_ERR_NOTFOUND;
}

const void *fdt_prop_at(const struct fdt *fdt, int prop, const char **name, uint32_t *len)
{
    if (name)
        *name = NULL;
    if (len)
        *len = 0;
    if (!usable(fdt) || token_at(fdt, prop) != FDT_PROP)
        return NULL;
    uint64_t hdr = (uint64_t)prop + 4;
    if (hdr + 8 > fdt->size_struct)
        return NULL;
    uint32_t vlen = fdt_be32(struct_ptr(fdt, hdr));
    uint32_t nameoff = fdt_be32(struct_ptr(fdt, hdr + 4));
    if (hdr + 8 + vlen > fdt->size_struct || nameoff >= fdt->size_strings)
        return NULL;
    const uint8_t *pname = fdt->base + fdt->off_strings + nameoff;
    if (bounded_strlen(pname, fdt->size_strings - nameoff) < 0)
        return NULL;
    if (name)
        *name = (const char *)pname;
    if (len)
        *len = vlen;
    return struct_ptr(fdt, hdr + 8);
}

/* Property of `node` whose name is the first n bytes of `name`. */
static const void *prop_namelen(const struct fdt *fdt, int node, const char *name,
                                size_t n, uint32_t *len)
{
    if (len)
        *len = 0;
    if (!name)
        return NULL;
    for (int p = fdt_first_prop(fdt, node); p >= 0; p = fdt_next_prop(fdt, p)) {
        const char *pname;
        uint32_t vlen;
        const void *val = fdt_prop_at(fdt, p, &pname, &vlen);
        if (!val)
            return NULL;
        uint64_t nameoff = (uint64_t)((const uint8_t *)pname - fdt->base) - fdt->off_strings;
        if (bounded_eq((const uint8_t *)pname, fdt->size_strings - nameoff, name, n)) {
            if (len)
                *len = vlen;
            return val;
        }
    }
    return NULL;
}

const void *fdt_prop(const struct fdt *fdt, int node, const char *name, uint32_t *len)
{
    return prop_namelen(fdt, node, name, name ? cstr_len(name) : 0, len);
}

bool fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out)
{
    uint32_t len;
    const void *v = fdt_prop(fdt, node, name, &len);
    if (!v || len != 4)
        return false;
    if (out)
        *out = fdt_be32(v);
    return true;
}

bool fdt_prop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out)
{
    uint32_t len;
    const void *v = fdt_prop(fdt, node, name, &len);
    if (!v || (len != 4 && len != 8))
        return false;
    if (out)
        *out = len == 8 ? fdt_be64(v) : fdt_be32(v);
    return true;
}

const char *fdt_prop_str(const struct fdt *fdt, int node, const char *name)
{
    uint32_t len;
    const char *v = fdt_prop(fdt, node, name, &len);
    if (!v || bounded_strlen((const uint8_t *)v, len) < 0)
        return NULL;
    return v;
}

bool fdt_stringlist_contains(const char *list, uint32_t len, const char *s)
{
    if (!list || !s)
        return false;
    size_t n = cstr_len(s);
    uint64_t pos = 0;
    while (pos < len) {
        int64_t entry = bounded_strlen((const uint8_t *)list + pos, len - pos);
        if (entry < 0)
            return false;           /* unterminated tail */
        if ((uint64_t)entry == n && bounded_eq((const uint8_t *)list + pos, len - pos, s, n))
            return true;
        pos += (uint64_t)entry + 1;
    }
    return false;
}

bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
    uint32_t len;
    const char *list = fdt_prop(fdt, node, "compatible", &len);
    return list && fdt_stringlist_contains(list, len, compat);
}

int fdt_find_compatible(const struct fdt *fdt, int after, const char *compat)
{
    if (!compat)
        return FDT_ERR_BADVALUE;
    int node = after;
    for (;;) {
        node = fdt_next_node(fdt, node);
        if (node < 0)
            return node;
        if (fdt_is_compatible(fdt, node, compat))
            return node;
    }
}

int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle)
{
    /* 0 and 0xffffffff are not valid phandles (spec 2.3.3). */
    if (phandle == 0 || phandle == 0xffffffffu)
        return FDT_ERR_NOTFOUND;
    for (int node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node)) {
        uint32_t v;
        if ((fdt_prop_u32(fdt, node, "phandle", &v) ||
             fdt_prop_u32(fdt, node, "linux,phandle", &v)) && v == phandle)
            return node;
    }
    return FDT_ERR_NOTFOUND;
}

/* ---- paths -------------------------------------------------------------- */

/* Child of `node` named by the n bytes at comp: an exact name wins, else the
 * first child whose name before '@' is comp (when comp has no '@'). */
static int find_child(const struct fdt *fdt, int node, const char *comp, size_t n)
{
    bool has_unit = false;
    int first_base = FDT_ERR_NOTFOUND;
    for (size_t i = 0; i < n; i++)
        if (comp[i] == '@')
            has_unit = true;
    for (int child = fdt_first_child(fdt, node); child >= 0;
         child = fdt_next_sibling(fdt, child)) {
        const char *name = fdt_node_name(fdt, child);
        if (!name)
            return FDT_ERR_BADSTRUCT;
        uint64_t room = fdt->size_struct - ((uint64_t)child + 4);
        if (bounded_eq((const uint8_t *)name, room, comp, n))
            return child;
        if (!has_unit && first_base < 0) {
            size_t i = 0;
            while (i < n && name[i] == comp[i])
                i++;                /* name is NUL-terminated and comp has no NUL */
            if (i == n && name[n] == '@')
                first_base = child;
        }
    }
    return first_base;
}

static int path_walk(const struct fdt *fdt, int node, const char *path, size_t len)
{
    size_t i = 0;
    while (i < len && node >= 0) {
        if (path[i] == '/') {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && path[i] != '/')
            i++;
        node = find_child(fdt, node, path + start, i - start);
    }
    return node;
}

int fdt_path_len(const struct fdt *fdt, const char *path, size_t len)
{
    if (!usable(fdt))
        return FDT_ERR_BADOFFSET;
    if (!path)
        return FDT_ERR_BADVALUE;
    for (size_t i = 0; i < len; i++)
        if (path[i] == 0)
            len = i;                /* a NUL ends the path early */
    if (len == 0)
        return FDT_ERR_BADVALUE;
    int root = fdt_root(fdt);
    if (root < 0 || path[0] == '/')
        return root < 0 ? root : path_walk(fdt, root, path, len);

    /* An alias: its value in /aliases is a full path; the rest is relative. */
    size_t alias_len = 0;
    while (alias_len < len && path[alias_len] != '/')
        alias_len++;
    int aliases = find_child(fdt, root, "aliases", 7);
    if (aliases < 0)
        return FDT_ERR_NOTFOUND;
    uint32_t vlen;
    const char *target = prop_namelen(fdt, aliases, path, alias_len, &vlen);
    if (!target)
        return FDT_ERR_NOTFOUND;
    int64_t tlen = bounded_strlen((const uint8_t *)target, vlen);
    if (tlen <= 0 || target[0] != '/')
        return FDT_ERR_BADVALUE;
    int node = path_walk(fdt, root, target, (size_t)tlen);
    return path_walk(fdt, node, path + alias_len, len - alias_len);
}

int fdt_path(const struct fdt *fdt, const char *path)
{
    return fdt_path_len(fdt, path, path ? cstr_len(path) : 0);
}

/* ---- addresses ---------------------------------------------------------- */

static uint32_t parent_cells(const struct fdt *fdt, int parent, const char *name, uint32_t dflt)
{
    uint32_t v;
    if (parent >= 0 && fdt_prop_u32(fdt, parent, name, &v))
        return v;
    return dflt;
}

uint32_t fdt_address_cells(const struct fdt *fdt, int node)
{
    return parent_cells(fdt, fdt_parent(fdt, node), "#address-cells", 2);
}

uint32_t fdt_size_cells(const struct fdt *fdt, int node)
{
    return parent_cells(fdt, fdt_parent(fdt, node), "#size-cells", 1);
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    return cells == 0 ? 0 : cells == 1 ? fdt_be32(p) : fdt_be64(p);
}

bool fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
    uint32_t len;
    int parent = fdt_parent(fdt, node);
    if (index < 0 || (parent < 0 && parent != FDT_ERR_NOTFOUND))
        return false;
    uint32_t ac = parent_cells(fdt, parent, "#address-cells", 2);
    uint32_t sc = parent_cells(fdt, parent, "#size-cells", 1);
    if (ac == 0 || ac > 2 || sc > 2)
        return false;
    const uint8_t *reg = fdt_prop(fdt, node, "reg", &len);
    uint64_t entry = (uint64_t)(ac + sc) * 4;
    if (!reg || len == 0 || len % entry != 0 || ((uint64_t)index + 1) * entry > len)
        return false;
    const uint8_t *p = reg + (uint64_t)index * entry;
    if (addr)
        *addr = read_cells(p, ac);
    if (size)
        *size = read_cells(p + ac * 4, sc);
    return true;
}

bool fdt_rsvmap_entry(const struct fdt *fdt, int index, uint64_t *addr, uint64_t *size)
{
    if (!usable(fdt) || index < 0)
        return false;
    uint64_t off = fdt->off_rsvmap;
    for (int i = 0;; i++, off += RSV_ENTRY_SIZE) {
        if (off + RSV_ENTRY_SIZE > fdt->totalsize)
            return false;
        uint64_t a = fdt_be64(fdt->base + off), s = fdt_be64(fdt->base + off + 8);
        if (a == 0 && s == 0)
            return false;
        if (i == index) {
            if (addr)
                *addr = a;
            if (size)
                *size = s;
            return true;
        }
    }
}
