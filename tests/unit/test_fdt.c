/*
 * tests/unit/test_fdt.c — host tests for kernel/arch/fdt.c.
 *
 * Real data: build/tests/virt.dtb (-m 256M -smp 2) and
 * build/tests/virt-smp4.dtb (-m 1G -smp 4), dumped by QEMU; missing files are
 * failures. Handcrafted blobs come from the little writer below (struct
 * tokens + deduplicated strings + reservation entries, laid out like dtc:
 * header, rsvmap, struct, strings). Every blob handed to fdt_open lives in a
 * heap buffer of exactly `avail` bytes so ASan flags any read past it.
 */
#include "kernel/arch/fdt.h"
#include "tests/unit/check.h"

#include <stdarg.h>
#include <stdlib.h>

/* ---- helpers ------------------------------------------------------------ */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

struct blob {
    uint8_t *data;
    size_t size;
};

static struct blob load_file(const char *path)
{
    struct blob b = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("     cannot open %s (make build/tests/virt.dtb build/tests/virt-smp4.dtb)\n", path);
        return b;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n > 0) {
        b.data = malloc((size_t)n);
        b.size = fread(b.data, 1, (size_t)n, f);
    }
    fclose(f);
    return b;
}

/* A heap copy of exactly n bytes (at least 1 allocated, so n = 0 is fine). */
static uint8_t *dup_exact(const uint8_t *src, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    if (n)
        memcpy(p, src, n);
    return p;
}

/* fdt_open on an exact-size heap copy; the copy is freed afterwards, so only
 * the return code is meaningful. */
static int open_copy(const uint8_t *src, size_t n)
{
    struct fdt f;
    uint8_t *p = dup_exact(src, n);
    int err = fdt_open(&f, p, n);
    free(p);
    return err;
}

/* ---- blob writer -------------------------------------------------------- */

struct writer {
    uint8_t st[8192];
    size_t st_len;
    char str[2048];
    size_t str_len;
    uint64_t rsv[8][2];
    int nrsv;
    uint8_t out[16384];
    size_t total;
    /* knobs for malformed output */
    bool no_rsv_terminator;
    uint32_t version, last_comp;
};

static void w_init(struct writer *w)
{
    memset(w, 0, sizeof *w);
    w->version = 17;
    w->last_comp = 16;
}

static void w_u32(struct writer *w, uint32_t v)
{
    put32(w->st + w->st_len, v);
    w->st_len += 4;
}

static void w_bytes(struct writer *w, const void *p, size_t n)
{
    memcpy(w->st + w->st_len, p, n);
    w->st_len += n;
    while (w->st_len & 3)
        w->st[w->st_len++] = 0;
}

static uint32_t w_string(struct writer *w, const char *s)
{
    size_t n = strlen(s) + 1;
    for (size_t i = 0; i + n <= w->str_len; i++)
        if (memcmp(w->str + i, s, n) == 0)
            return (uint32_t)i;
    memcpy(w->str + w->str_len, s, n);
    w->str_len += n;
    return (uint32_t)(w->str_len - n);
}

static void w_begin(struct writer *w, const char *name)
{
    w_u32(w, FDT_BEGIN_NODE);
    w_bytes(w, name, strlen(name) + 1);
}

static void w_end(struct writer *w) { w_u32(w, FDT_END_NODE); }
static void w_nop(struct writer *w) { w_u32(w, FDT_NOP); }
static void w_fin(struct writer *w) { w_u32(w, FDT_END); }

static void w_prop_raw(struct writer *w, uint32_t nameoff, const void *val, uint32_t len)
{
    w_u32(w, FDT_PROP);
    w_u32(w, len);
    w_u32(w, nameoff);
    w_bytes(w, val, len);
}

static void w_prop(struct writer *w, const char *name, const void *val, uint32_t len)
{
    w_prop_raw(w, w_string(w, name), val, len);
}

static void w_prop_str(struct writer *w, const char *name, const char *s)
{
    w_prop(w, name, s, (uint32_t)strlen(s) + 1);
}

/* A property of n big-endian cells. */
static void w_prop_cells(struct writer *w, const char *name, int n, ...)
{
    uint8_t buf[64];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        put32(buf + 4 * i, va_arg(ap, uint32_t));
    va_end(ap);
    w_prop(w, name, buf, (uint32_t)(4 * n));
}

/* Lay out header, rsvmap, struct, strings into w->out; returns totalsize. */
static size_t w_finish(struct writer *w)
{
    uint8_t *o = w->out;
    memset(o, 0, sizeof w->out);
    size_t off_rsv = 48;                      /* header padded to 8 */
    size_t nent = (size_t)w->nrsv + (w->no_rsv_terminator ? 0 : 1);
    size_t off_struct = off_rsv + 16 * nent;
    size_t off_strings = off_struct + w->st_len;
    size_t total = off_strings + w->str_len;
    for (int i = 0; i < w->nrsv; i++) {
        put64(o + off_rsv + 16 * (size_t)i, w->rsv[i][0]);
        put64(o + off_rsv + 16 * (size_t)i + 8, w->rsv[i][1]);
    }
    memcpy(o + off_struct, w->st, w->st_len);
    memcpy(o + off_strings, w->str, w->str_len);
    put32(o + 0, FDT_MAGIC);
    put32(o + 4, (uint32_t)total);
    put32(o + 8, (uint32_t)off_struct);
    put32(o + 12, (uint32_t)off_strings);
    put32(o + 16, (uint32_t)off_rsv);
    put32(o + 20, w->version);
    put32(o + 24, w->last_comp);
    put32(o + 28, 0);
    put32(o + 32, (uint32_t)w->str_len);
    put32(o + 36, (uint32_t)w->st_len);
    w->total = total;
    return total;
}

static int w_open_result(struct writer *w)
{
    return open_copy(w->out, w_finish(w));
}

/* A small well-formed tree used by several tests. Defaults (2/1 cells) apply
 * under the root, which has no #address-cells. */
static void build_sample(struct writer *w)
{
    w_init(w);
    w->rsv[0][0] = 0x80000000u; w->rsv[0][1] = 0x200000;
    w->rsv[1][0] = 0x1234567890ull; w->rsv[1][1] = 0x1000;
    w->nrsv = 2;
    w_nop(w);
    w_begin(w, "");
    w_nop(w);
    w_prop_str(w, "model", "sample");
    w_begin(w, "aliases");
    w_prop_str(w, "uart", "/bus@1000/uart@2000");
    w_prop_str(w, "bogus", "relative/path");
    w_end(w);
    w_begin(w, "mem@0");
    w_prop_cells(w, "reg", 3, 0x1u, 0x0u, 0x4000u);   /* 2 addr + 1 size */
    w_end(w);
    w_nop(w);
    w_begin(w, "bus@1000");
    w_prop_cells(w, "#address-cells", 1, 1u);
    w_prop_cells(w, "#size-cells", 1, 1u);
    w_prop_cells(w, "phandle", 1, 7u);
    w_prop(w, "compatible", "acme,bus\0simple-bus", 20);
    w_nop(w);
    w_begin(w, "uart@2000");
    w_prop_cells(w, "reg", 4, 0x2000u, 0x100u, 0x3000u, 0x10u);
    w_prop(w, "compatible", "ns16550a", 9);
    w_prop(w, "noterm", "abc", 3);
    w_prop(w, "empty", "", 0);
    w_prop_cells(w, "linux,phandle", 1, 9u);
    w_prop_cells(w, "u64", 2, 0x11223344u, 0x55667788u);
    w_prop_cells(w, "three", 3, 1u, 2u, 3u);
    w_end(w);
    w_begin(w, "uart@3000");
    w_prop_cells(w, "reg", 3, 0x3000u, 0x100u, 0x1u);  /* malformed length */
    w_prop(w, "compatible", "ns16550a", 9);
    w_end(w);
    w_begin(w, "wide");
    w_prop_cells(w, "#address-cells", 1, 3u);
    w_begin(w, "dev@0");
    w_prop_cells(w, "reg", 4, 0u, 0u, 0u, 1u);
    w_end(w);
    w_end(w);
    w_end(w);
    w_nop(w);
    w_end(w);
    w_nop(w);
    w_fin(w);
}

/* ---- walking everything (used on real and fuzzed blobs) ----------------- */

struct walk_stats {
    int nodes, props, max_depth;
    uint64_t checksum;   /* touches every byte returned, so ASan sees reads */
};

static void touch(struct walk_stats *s, const void *p, uint32_t len)
{
    const uint8_t *b = p;
    for (uint32_t i = 0; i < len; i++)
        s->checksum = s->checksum * 31 + b[i];
}

/* Exercise every accessor on every node of an opened blob. */
static struct walk_stats walk_all(const struct fdt *f)
{
    struct walk_stats s = {0};
    int guard = 0;
    for (int node = fdt_next_node(f, -1); node >= 0 && guard < 100000;
         node = fdt_next_node(f, node), guard++) {
        const char *name = fdt_node_name(f, node);
        if (name)
            touch(&s, name, (uint32_t)strlen(name));
        s.nodes++;
        for (int p = fdt_first_prop(f, node); p >= 0; p = fdt_next_prop(f, p)) {
            const char *pname;
            uint32_t len;
            const void *v = fdt_prop_at(f, p, &pname, &len);
            if (v) {
                touch(&s, v, len);
                touch(&s, pname, (uint32_t)strlen(pname));
                fdt_stringlist_contains(v, len, "virtio,mmio");
            }
            s.props++;
        }
        uint64_t a, sz;
        uint32_t u;
        fdt_reg(f, node, 0, &a, &sz);
        fdt_reg(f, node, 1, &a, &sz);
        fdt_prop_u32(f, node, "interrupts", &u);
        fdt_prop_u64(f, node, "reg", &a);
        const char *str = fdt_prop_str(f, node, "compatible");
        if (str)
            touch(&s, str, (uint32_t)strlen(str));
        fdt_is_compatible(f, node, "ns16550a");
        fdt_address_cells(f, node);
        fdt_size_cells(f, node);
        int depth = 0;
        for (int up = fdt_parent(f, node); up >= 0 && depth < 100; up = fdt_parent(f, up))
            depth++;
        if (depth > s.max_depth)
            s.max_depth = depth;
        fdt_first_child(f, node);
        fdt_next_sibling(f, node);
    }
    fdt_path(f, "/soc/serial@10000000");
    fdt_path(f, "/cpus/cpu");
    fdt_path(f, "serial0");
    fdt_find_compatible(f, -1, "riscv,plic0");
    fdt_find_phandle(f, 1);
    for (int i = 0; i < 4; i++) {
        uint64_t a, sz;
        fdt_rsvmap_entry(f, i, &a, &sz);
    }
    return s;
}

/* Node count via first_child/next_sibling recursion, for cross-checking. */
static int count_subtree(const struct fdt *f, int node)
{
    int n = 1;
    for (int c = fdt_first_child(f, node); c >= 0; c = fdt_next_sibling(f, c))
        n += count_subtree(f, c);
    return n;
}

/* ---- basic helpers ------------------------------------------------------ */

TEST(be_loads_unaligned)
{
    const uint8_t bytes[] = {0xff, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
    CHECK_EQ(fdt_be32(bytes + 1), 0x01020304);
    CHECK_EQ(fdt_be32(bytes), 0xff010203u);
    CHECK(fdt_be64(bytes + 1) == 0x0102030405060708ull);
    CHECK(fdt_be64(bytes + 2) == 0x0203040506070809ull);
}

TEST(strerror_names_every_code)
{
    CHECK_STR(fdt_strerror(FDT_ERR_MAGIC), "bad magic");
    const char *seen[8];
    for (int e = 0; e >= FDT_ERR_BADVALUE; e--) {
        seen[-e] = fdt_strerror(e);
        CHECK(seen[-e] != NULL);
        CHECK(strcmp(seen[-e], "unknown error") != 0);
        for (int k = 0; k < -e; k++)
            CHECK(strcmp(seen[k], seen[-e]) != 0);
    }
    CHECK_STR(fdt_strerror(-100), "unknown error");
}

TEST(stringlist_contains)
{
    const char list[] = "sifive,plic-1.0.0\0riscv,plic0";   /* 30 bytes incl. NULs */
    CHECK(fdt_stringlist_contains(list, sizeof list, "sifive,plic-1.0.0"));
    CHECK(fdt_stringlist_contains(list, sizeof list, "riscv,plic0"));
    CHECK(!fdt_stringlist_contains(list, sizeof list, "riscv"));
    CHECK(!fdt_stringlist_contains(list, sizeof list, "sifive"));
    CHECK(!fdt_stringlist_contains(list, sizeof list, "riscv,plic00"));
    CHECK(!fdt_stringlist_contains(list, sizeof list, ""));
    /* unterminated last entry does not match */
    CHECK(!fdt_stringlist_contains(list, sizeof list - 1, "riscv,plic0"));
    CHECK(fdt_stringlist_contains(list, sizeof list - 1, "sifive,plic-1.0.0"));
    CHECK(!fdt_stringlist_contains(list, 0, "sifive,plic-1.0.0"));
    CHECK(!fdt_stringlist_contains(NULL, 4, "a"));
    CHECK(fdt_stringlist_contains("a\0\0b", 5, ""));
    CHECK(fdt_stringlist_contains("a\0\0b", 5, "b"));
}

TEST(unopened_struct_fails_cleanly)
{
    struct fdt f;
    uint8_t junk[8] = {0};
    CHECK_EQ(fdt_open(&f, junk, sizeof junk), FDT_ERR_MAGIC);
    /* A failed open zeroes the struct; accessors must refuse it. */
    CHECK(fdt_root(&f) < 0);
    CHECK(fdt_next_node(&f, -1) < 0);
    CHECK(fdt_node_name(&f, 0) == NULL);
    CHECK(fdt_prop(&f, 0, "reg", NULL) == NULL);
    CHECK(fdt_path(&f, "/") < 0);
    CHECK(!fdt_rsvmap_entry(&f, 0, NULL, NULL));
    CHECK(fdt_find_compatible(&f, -1, "x") < 0);
    CHECK_EQ(fdt_open(NULL, junk, sizeof junk), FDT_ERR_BADVALUE);
}

/* ---- handcrafted tree --------------------------------------------------- */

TEST(sample_tree_navigation)
{
    static struct writer w;
    build_sample(&w);
    size_t n = w_finish(&w);
    uint8_t *blob = dup_exact(w.out, n);
    struct fdt f;
    CHECK_EQ(fdt_open(&f, blob, n), FDT_OK);
    CHECK_EQ(f.totalsize, n);

    int root = fdt_root(&f);
    CHECK_EQ(root, 4);                          /* after the leading NOP */
    CHECK_STR(fdt_node_name(&f, root), "");
    CHECK_EQ(fdt_parent(&f, root), FDT_ERR_NOTFOUND);
    CHECK_STR(fdt_prop_str(&f, root, "model"), "sample");
    CHECK_EQ(fdt_path(&f, "/"), root);
    CHECK_EQ(fdt_next_node(&f, -1), root);

    int aliases = fdt_first_child(&f, root);
    CHECK_STR(fdt_node_name(&f, aliases), "aliases");
    int mem = fdt_next_sibling(&f, aliases);
    CHECK_STR(fdt_node_name(&f, mem), "mem@0");
    int bus = fdt_next_sibling(&f, mem);
    CHECK_STR(fdt_node_name(&f, bus), "bus@1000");
    CHECK_EQ(fdt_next_sibling(&f, bus), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_first_child(&f, mem), FDT_ERR_NOTFOUND);
    int uart = fdt_first_child(&f, bus);
    int uart2 = fdt_next_sibling(&f, uart);
    int wide = fdt_next_sibling(&f, uart2);
    int dev = fdt_first_child(&f, wide);
    CHECK_STR(fdt_node_name(&f, uart), "uart@2000");
    CHECK_STR(fdt_node_name(&f, uart2), "uart@3000");
    CHECK_STR(fdt_node_name(&f, dev), "dev@0");
    CHECK_EQ(fdt_parent(&f, dev), wide);
    CHECK_EQ(fdt_parent(&f, uart2), bus);
    CHECK_EQ(fdt_parent(&f, bus), root);

    /* preorder */
    int order[] = {root, aliases, mem, bus, uart, uart2, wide, dev};
    int node = -1;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        node = fdt_next_node(&f, node);
        CHECK_EQ(node, order[i]);
    }
    CHECK_EQ(fdt_next_node(&f, node), FDT_ERR_NOTFOUND);
    CHECK_EQ(count_subtree(&f, root), 8);

    /* paths, unit-address matching, aliases */
    CHECK_EQ(fdt_path(&f, "/bus@1000/uart@3000"), uart2);
    CHECK_EQ(fdt_path(&f, "/bus/uart"), uart);          /* first match */
    CHECK_EQ(fdt_path(&f, "//bus@1000//wide/dev@0/"), dev);
    CHECK_EQ(fdt_path(&f, "/bus@1000/uart@4000"), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_path(&f, "/bus@100"), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_path(&f, "/bu"), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_path(&f, "/mem@0/x"), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_path(&f, ""), FDT_ERR_BADVALUE);
    CHECK_EQ(fdt_path(&f, NULL), FDT_ERR_BADVALUE);
    CHECK_EQ(fdt_path(&f, "uart"), uart);
    CHECK_EQ(fdt_path(&f, "nosuch"), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_path(&f, "bogus"), FDT_ERR_BADVALUE);
    CHECK_EQ(fdt_path_len(&f, "/bus@1000/uart@3000:115200", 19), uart2);
    CHECK_EQ(fdt_path_len(&f, "/bus@1000/wide", 9), bus);

    /* properties */
    uint32_t len, u32;
    uint64_t u64;
    CHECK(fdt_prop(&f, uart, "compatible", &len) != NULL);
    CHECK_EQ(len, 9);
    CHECK(fdt_prop(&f, uart, "compat", &len) == NULL);
    CHECK_EQ(len, 0);
    CHECK(fdt_prop(&f, uart, "compatible-x", NULL) == NULL);
    CHECK(fdt_prop(&f, uart, "empty", &len) != NULL);
    CHECK_EQ(len, 0);
    CHECK(fdt_prop_str(&f, uart, "empty") == NULL);
    CHECK(fdt_prop_str(&f, uart, "noterm") == NULL);
    CHECK(fdt_prop(&f, bus, "reg", NULL) == NULL);      /* child's props are not ours */
    CHECK(fdt_prop_u32(&f, bus, "#size-cells", &u32) && u32 == 1);
    CHECK(!fdt_prop_u32(&f, uart, "u64", &u32));
    CHECK(fdt_prop_u64(&f, uart, "u64", &u64) && u64 == 0x1122334455667788ull);
    CHECK(fdt_prop_u64(&f, uart, "linux,phandle", &u64) && u64 == 9);
    CHECK(!fdt_prop_u64(&f, uart, "three", &u64));
    int nprops = 0;
    for (int p = fdt_first_prop(&f, uart); p >= 0; p = fdt_next_prop(&f, p))
        nprops++;
    CHECK_EQ(nprops, 7);
    CHECK_EQ(fdt_first_prop(&f, wide) >= 0, 1);
    CHECK_EQ(fdt_first_prop(&f, dev) >= 0, 1);
    CHECK_EQ(fdt_next_prop(&f, fdt_first_prop(&f, dev)), FDT_ERR_NOTFOUND);
    CHECK(fdt_prop_at(&f, uart, NULL, NULL) == NULL);   /* a node, not a prop */

    /* compatible / phandle */
    CHECK(fdt_is_compatible(&f, bus, "simple-bus"));
    CHECK(!fdt_is_compatible(&f, bus, "simple"));
    CHECK_EQ(fdt_find_compatible(&f, -1, "ns16550a"), uart);
    CHECK_EQ(fdt_find_compatible(&f, uart, "ns16550a"), uart2);
    CHECK_EQ(fdt_find_compatible(&f, uart2, "ns16550a"), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_find_phandle(&f, 7), bus);
    CHECK_EQ(fdt_find_phandle(&f, 9), uart);
    CHECK_EQ(fdt_find_phandle(&f, 8), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_find_phandle(&f, 0), FDT_ERR_NOTFOUND);

    /* cells and reg */
    uint64_t a, s;
    CHECK_EQ(fdt_address_cells(&f, mem), 2);            /* defaults */
    CHECK_EQ(fdt_size_cells(&f, mem), 1);
    CHECK_EQ(fdt_address_cells(&f, root), 2);
    CHECK_EQ(fdt_size_cells(&f, root), 1);
    CHECK(fdt_reg(&f, mem, 0, &a, &s) && a == 0x100000000ull && s == 0x4000);
    CHECK(!fdt_reg(&f, mem, 1, &a, &s));
    CHECK_EQ(fdt_address_cells(&f, uart), 1);
    CHECK(fdt_reg(&f, uart, 0, &a, &s) && a == 0x2000 && s == 0x100);
    CHECK(fdt_reg(&f, uart, 1, &a, &s) && a == 0x3000 && s == 0x10);
    CHECK(!fdt_reg(&f, uart, 2, &a, &s));
    CHECK(!fdt_reg(&f, uart, -1, &a, &s));
    CHECK(!fdt_reg(&f, uart2, 0, &a, &s));              /* 12 bytes, pair is 8 */
    CHECK_EQ(fdt_address_cells(&f, dev), 3);
    CHECK(!fdt_reg(&f, dev, 0, &a, &s));                /* 3 address cells */
    CHECK(!fdt_reg(&f, bus, 0, &a, &s));                /* no reg */

    /* reservation map */
    CHECK(fdt_rsvmap_entry(&f, 0, &a, &s) && a == 0x80000000u && s == 0x200000);
    CHECK(fdt_rsvmap_entry(&f, 1, &a, &s) && a == 0x1234567890ull && s == 0x1000);
    CHECK(!fdt_rsvmap_entry(&f, 2, &a, &s));
    CHECK(!fdt_rsvmap_entry(&f, -1, &a, &s));

    /* bogus node offsets from callers */
    int bad[] = {-1, -6, 1, 2, 3, (int)f.size_struct, (int)f.size_struct - 4, 0x7ffffff0,
                 fdt_first_prop(&f, uart)};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(fdt_node_name(&f, bad[i]) == NULL);
        CHECK(fdt_first_child(&f, bad[i]) < 0);
        CHECK(fdt_next_sibling(&f, bad[i]) < 0);
        CHECK(fdt_parent(&f, bad[i]) < 0);
        CHECK(fdt_prop(&f, bad[i], "reg", NULL) == NULL);
        CHECK(!fdt_reg(&f, bad[i], 0, &a, &s));
        if (bad[i] != -1)
            CHECK(fdt_next_node(&f, bad[i]) < 0);
    }
    free(blob);
}

TEST(open_accepts_larger_avail_and_minimal_tree)
{
    static struct writer w;
    w_init(&w);
    w_begin(&w, "");
    w_end(&w);
    w_fin(&w);
    size_t n = w_finish(&w);
    uint8_t *blob = dup_exact(w.out, n + 100);
    struct fdt f;
    CHECK_EQ(fdt_open(&f, blob, n + 100), FDT_OK);
    CHECK_EQ(f.totalsize, n);
    CHECK_EQ(fdt_root(&f), 0);
    CHECK_EQ(fdt_first_child(&f, 0), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_first_prop(&f, 0), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_next_node(&f, 0), FDT_ERR_NOTFOUND);
    CHECK(!fdt_rsvmap_entry(&f, 0, NULL, NULL));
    CHECK_EQ(fdt_path(&f, "alias"), FDT_ERR_NOTFOUND);
    free(blob);
}

/* ---- malformed blobs ---------------------------------------------------- */

TEST(rejects_bad_headers)
{
    static struct writer w;
    uint8_t magic_only[4] = {0xd0, 0x0d, 0xfe, 0xed};
    CHECK_EQ(open_copy(NULL, 0), FDT_ERR_TRUNCATED);
    CHECK_EQ(open_copy(magic_only, 3), FDT_ERR_TRUNCATED);
    CHECK_EQ(open_copy(magic_only, 4), FDT_ERR_TRUNCATED);
    struct fdt f;
    CHECK_EQ(fdt_open(&f, NULL, 100), FDT_ERR_TRUNCATED);

    build_sample(&w);
    size_t n = w_finish(&w);
    CHECK_EQ(open_copy(w.out, n), FDT_OK);
    CHECK_EQ(open_copy(w.out, 39), FDT_ERR_TRUNCATED);

    uint8_t *b = malloc(n);
#define PATCHED(field_off, value, expect)            \
    do {                                             \
        memcpy(b, w.out, n);                         \
        put32(b + (field_off), (value));             \
        CHECK_EQ(open_copy(b, n), (expect));         \
    } while (0)
    PATCHED(0, 0xedfe0dd0u, FDT_ERR_MAGIC);
    PATCHED(20, 16, FDT_ERR_VERSION);
    PATCHED(20, 1, FDT_ERR_VERSION);
    PATCHED(24, 18, FDT_ERR_VERSION);
    PATCHED(20, 18, FDT_OK);                            /* newer, compatible */
    PATCHED(4, (uint32_t)n + 1, FDT_ERR_TRUNCATED);     /* totalsize > avail */
    PATCHED(4, 0xffffffffu, FDT_ERR_TRUNCATED);
    PATCHED(4, 20, FDT_ERR_BADOFFSET);                  /* smaller than a header */
    uint32_t off_struct = fdt_be32(w.out + 8), off_strings = fdt_be32(w.out + 12);
    uint32_t size_struct = fdt_be32(w.out + 36), size_strings = fdt_be32(w.out + 32);
    PATCHED(8, 0, FDT_ERR_BADOFFSET);                   /* struct overlaps header */
    PATCHED(8, 36, FDT_ERR_BADOFFSET);
    PATCHED(8, off_struct + 2, FDT_ERR_BADOFFSET);      /* misaligned */
    PATCHED(8, 0xfffffffcu, FDT_ERR_BADOFFSET);         /* wraps */
    PATCHED(36, size_struct + 4, FDT_ERR_BADOFFSET);    /* overlaps strings */
    PATCHED(36, 0xfffffff0u, FDT_ERR_BADOFFSET);
    PATCHED(36, size_struct - 4, FDT_ERR_BADSTRUCT);    /* FDT_END cut off */
    PATCHED(36, 0, FDT_ERR_BADSTRUCT);
    PATCHED(12, 8, FDT_ERR_BADOFFSET);                  /* strings overlap header */
    PATCHED(12, off_strings + 1, FDT_ERR_BADOFFSET);    /* runs past totalsize */
    PATCHED(12, 0xffffffffu, FDT_ERR_BADOFFSET);
    PATCHED(32, size_strings + 1, FDT_ERR_BADOFFSET);
    PATCHED(32, 0xffffffffu, FDT_ERR_BADOFFSET);
    PATCHED(12, off_struct + 8, FDT_ERR_BADOFFSET);     /* strings inside struct */
    PATCHED(16, 0, FDT_ERR_BADOFFSET);                  /* rsvmap on header */
    PATCHED(16, 52, FDT_ERR_BADOFFSET);                 /* rsvmap misaligned */
    PATCHED(16, off_struct, FDT_ERR_BADOFFSET);         /* rsvmap inside struct */
    PATCHED(16, (uint32_t)n - 8, FDT_ERR_BADOFFSET);    /* entry past the end */
    PATCHED(16, 0xfffffff8u, FDT_ERR_BADOFFSET);
    free(b);
#undef PATCHED

    /* a reservation map without its (0,0) terminator runs into the struct */
    build_sample(&w);
    w.no_rsv_terminator = true;
    CHECK_EQ(w_open_result(&w), FDT_ERR_BADOFFSET);
}

/* Expect `expect` from a structure block built by `body`. */
#define STRUCT_CASE(expect, body)                                            \
    do {                                                                     \
        static struct writer w_;                                             \
        struct writer *w = &w_;                                              \
        w_init(w);                                                           \
        body;                                                                \
        CHECK_EQ(w_open_result(w), (expect));                                \
    } while (0)

TEST(rejects_bad_structure)
{
    STRUCT_CASE(FDT_OK, { w_begin(w, ""); w_end(w); w_fin(w); });
    /* empty struct block / no FDT_END */
    STRUCT_CASE(FDT_ERR_BADSTRUCT, {});
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_begin(w, ""); w_end(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_begin(w, ""); w_end(w); w_nop(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_fin(w); });           /* no root */
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_nop(w); w_fin(w); });
    /* unbalanced */
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_begin(w, ""); w_fin(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_begin(w, ""); w_begin(w, "a"); w_end(w); w_fin(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_begin(w, ""); w_end(w); w_end(w); w_fin(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_end(w); w_fin(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_begin(w, ""); w_end(w); w_begin(w, ""); w_end(w); w_fin(w); });
    /* unknown tokens, including the ones between the defined values */
    uint32_t bogus[] = {0, 5, 6, 7, 8, 10, 0xffffffffu};
    for (size_t i = 0; i < sizeof bogus / sizeof bogus[0]; i++)
        STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_begin(w, ""); w_u32(w, bogus[i]); w_end(w); w_fin(w); });
    /* a property outside any node, or after a subnode */
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_prop_str(w, "a", "b"); w_begin(w, ""); w_end(w); w_fin(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_begin(w, ""); w_end(w); w_prop_str(w, "a", "b"); w_fin(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, {
        w_begin(w, ""); w_begin(w, "c"); w_end(w); w_prop_str(w, "a", "b"); w_end(w); w_fin(w); });
    /* property length past the block */
    STRUCT_CASE(FDT_ERR_BADSTRUCT, {
        w_begin(w, ""); w_u32(w, FDT_PROP); w_u32(w, 100); w_u32(w, w_string(w, "a"));
        w_end(w); w_fin(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, {
        w_begin(w, ""); w_u32(w, FDT_PROP); w_u32(w, 0xfffffffdu); w_u32(w, w_string(w, "a"));
        w_end(w); w_fin(w); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, {                         /* header itself cut */
        w_begin(w, ""); w_end(w); w_u32(w, FDT_PROP); w_u32(w, 0); });
    /* property name offset outside the strings block */
    STRUCT_CASE(FDT_ERR_BADOFFSET, {
        w_string(w, "abc"); w_begin(w, ""); w_prop_raw(w, 4, "x", 1); w_end(w); w_fin(w); });
    STRUCT_CASE(FDT_ERR_BADOFFSET, {
        w_begin(w, ""); w_prop_raw(w, 0, "x", 1); w_end(w); w_fin(w); });   /* no strings */
    STRUCT_CASE(FDT_ERR_BADOFFSET, {
        w_string(w, "abc"); w_begin(w, ""); w_prop_raw(w, 0xffffffffu, "x", 1); w_end(w); w_fin(w); });
    STRUCT_CASE(FDT_OK, {
        w_string(w, "abc"); w_begin(w, ""); w_prop_raw(w, 3, "x", 1); w_end(w); w_fin(w); });
    /* unterminated string at the end of the strings block */
    STRUCT_CASE(FDT_ERR_BADSTRUCT, {
        w_string(w, "abc"); w->str_len--;
        w_begin(w, ""); w_prop_raw(w, 1, "x", 1); w_end(w); w_fin(w); });
    /* node name running to the end of the block */
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_begin(w, ""); w_u32(w, FDT_BEGIN_NODE); w_bytes(w, "abcdefgh", 8); });
    STRUCT_CASE(FDT_ERR_BADSTRUCT, { w_u32(w, FDT_BEGIN_NODE); w_bytes(w, "xyzw", 4); });
}

TEST(depth_limit)
{
    for (int depth = FDT_MAX_DEPTH; depth <= FDT_MAX_DEPTH + 1; depth++) {
        static struct writer w;
        w_init(&w);
        w_begin(&w, "");
        for (int i = 1; i < depth; i++)
            w_begin(&w, "n");
        w_prop_cells(&w, "reg", 3, 0u, 1u, 2u);   /* default 2+1 cells */
        for (int i = 0; i < depth; i++)
            w_end(&w);
        w_fin(&w);
        size_t n = w_finish(&w);
        uint8_t *blob = dup_exact(w.out, n);
        struct fdt f;
        int err = fdt_open(&f, blob, n);
        if (depth == FDT_MAX_DEPTH) {
            CHECK_EQ(err, FDT_OK);
            struct walk_stats s = walk_all(&f);
            CHECK_EQ(s.nodes, depth);
            CHECK_EQ(s.max_depth, depth - 1);
            char path[2 * FDT_MAX_DEPTH + 1] = "";
            for (int i = 1; i < depth; i++)
                strcat(path, "/n");
            int deepest = fdt_path(&f, path);
            CHECK(deepest >= 0);
            uint64_t a, s2;
            CHECK(fdt_reg(&f, deepest, 0, &a, &s2) && a == 1 && s2 == 2);
        } else {
            CHECK_EQ(err, FDT_ERR_BADSTRUCT);
        }
        free(blob);
    }
}

/* ---- real device trees from QEMU ---------------------------------------- */

struct expect_machine {
    const char *path;
    uint64_t mem_size;
    int harts;
};

static void check_machine(const struct expect_machine *m)
{
    struct blob b = load_file(m->path);
    CHECK(b.data != NULL);
    if (!b.data)
        return;
    struct fdt f;
    CHECK_EQ(fdt_open(&f, b.data, b.size), FDT_OK);
    CHECK_EQ(f.totalsize, b.size);

    int root = fdt_path(&f, "/");
    CHECK_EQ(root, fdt_root(&f));
    CHECK_STR(fdt_node_name(&f, root), "");
    CHECK(fdt_is_compatible(&f, root, "riscv-virtio"));
    CHECK(fdt_path(&f, "/chosen") >= 0);
    CHECK_STR(fdt_prop_str(&f, fdt_path(&f, "/chosen"), "stdout-path"), "/soc/serial@10000000");
    CHECK_EQ(fdt_path(&f, "/nonexistent"), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_path(&f, "/soc/serial@10000001"), FDT_ERR_NOTFOUND);
    CHECK_EQ(fdt_path(&f, "/chosen/x/y"), FDT_ERR_NOTFOUND);

    /* memory */
    int mem = fdt_path(&f, "/memory@80000000");
    CHECK(mem >= 0);
    CHECK_EQ(fdt_path(&f, "/memory"), mem);
    CHECK_STR(fdt_prop_str(&f, mem, "device_type"), "memory");
    uint64_t a = 0, s = 0;
    CHECK(fdt_reg(&f, mem, 0, &a, &s));
    CHECK(a == 0x80000000u);
    CHECK(s == m->mem_size);
    CHECK(!fdt_reg(&f, mem, 1, &a, &s));

    /* cpus */
    int cpus = fdt_path(&f, "/cpus");
    uint32_t tb = 0;
    CHECK(fdt_prop_u32(&f, cpus, "timebase-frequency", &tb));
    CHECK_EQ(tb, 10000000);
    int ncpu = 0;
    for (int c = fdt_first_child(&f, cpus); c >= 0; c = fdt_next_sibling(&f, c)) {
        const char *dt = fdt_prop_str(&f, c, "device_type");
        if (!dt || strcmp(dt, "cpu") != 0)
            continue;
        CHECK_EQ(fdt_address_cells(&f, c), 1);
        CHECK_EQ(fdt_size_cells(&f, c), 0);
        CHECK(fdt_reg(&f, c, 0, &a, &s));
        CHECK_EQ(a, ncpu);                              /* hart id */
        CHECK_EQ(s, 0);
        char name[16];
        snprintf(name, sizeof name, "cpu@%d", ncpu);
        CHECK_STR(fdt_node_name(&f, c), name);
        CHECK_STR(fdt_prop_str(&f, c, "status"), "okay");
        ncpu++;
    }
    CHECK_EQ(ncpu, m->harts);
    CHECK_EQ(fdt_path(&f, "/cpus/cpu"), fdt_path(&f, "/cpus/cpu@0"));
    CHECK(fdt_path(&f, "/cpus/cpu-map/cluster0/core0") >= 0);

    /* soc and serial */
    int soc = fdt_path(&f, "/soc");
    CHECK(fdt_is_compatible(&f, soc, "simple-bus"));
    int uart = fdt_path(&f, "/soc/serial@10000000");
    CHECK(uart >= 0);
    CHECK_EQ(fdt_path(&f, "serial0"), uart);          /* via /aliases */
    CHECK_EQ(fdt_parent(&f, uart), soc);
    CHECK_EQ(fdt_address_cells(&f, uart), 2);
    CHECK_EQ(fdt_size_cells(&f, uart), 2);
    CHECK(fdt_is_compatible(&f, uart, "ns16550a"));
    CHECK_EQ(fdt_find_compatible(&f, -1, "ns16550a"), uart);
    CHECK_EQ(fdt_find_compatible(&f, uart, "ns16550a"), FDT_ERR_NOTFOUND);
    uint32_t irq = 0;
    CHECK(fdt_prop_u32(&f, uart, "interrupts", &irq));
    CHECK_EQ(irq, 10);
    CHECK(fdt_reg(&f, uart, 0, &a, &s) && a == 0x10000000u && s == 0x100);

    /* PLIC */
    int plic = fdt_find_compatible(&f, -1, "riscv,plic0");
    if (plic < 0)
        plic = fdt_find_compatible(&f, -1, "sifive,plic-1.0.0");
    CHECK(plic >= 0);
    CHECK_STR(fdt_node_name(&f, plic), "plic@c000000");
    CHECK(fdt_reg(&f, plic, 0, &a, &s) && a == 0xc000000u && s == 0x600000);
    uint32_t ndev = 0;
    CHECK(fdt_prop_u32(&f, plic, "riscv,ndev", &ndev));
    CHECK_EQ(ndev, 95);
    uint32_t uart_parent = 0, plic_phandle = 0;
    CHECK(fdt_prop_u32(&f, uart, "interrupt-parent", &uart_parent));
    CHECK(fdt_prop_u32(&f, plic, "phandle", &plic_phandle));
    CHECK_EQ(uart_parent, plic_phandle);
    CHECK_EQ(fdt_find_phandle(&f, uart_parent), plic);

    /* interrupts-extended: (cpu intc phandle, cause) pairs, M and S external
     * interrupts (11, 9) per hart, in hart order. */
    uint32_t len = 0;
    const uint8_t *ext = fdt_prop(&f, plic, "interrupts-extended", &len);
    CHECK(ext != NULL);
    CHECK_EQ(len, (uint32_t)m->harts * 2 * 8);
    for (uint32_t i = 0; ext && i + 8 <= len; i += 8) {
        int intc = fdt_find_phandle(&f, fdt_be32(ext + i));
        CHECK(intc >= 0);
        CHECK_STR(fdt_node_name(&f, intc), "interrupt-controller");
        CHECK(fdt_is_compatible(&f, intc, "riscv,cpu-intc"));
        CHECK(fdt_prop(&f, intc, "interrupt-controller", NULL) != NULL);
        int cpu = fdt_parent(&f, intc);
        uint64_t hart = 99;
        CHECK(fdt_reg(&f, cpu, 0, &hart, NULL));
        CHECK_EQ(hart, i / 16);
        CHECK_EQ(fdt_parent(&f, cpu), cpus);
        CHECK_EQ(fdt_be32(ext + i + 4), (i / 8) % 2 ? 9 : 11);
    }

    /* virtio-mmio: 8 slots, 0x10001000 + i*0x1000, irq i+1 */
    int found = 0, seen_mask = 0;
    for (int v = fdt_find_compatible(&f, -1, "virtio,mmio"); v >= 0;
         v = fdt_find_compatible(&f, v, "virtio,mmio")) {
        CHECK(fdt_reg(&f, v, 0, &a, &s));
        CHECK_EQ(s, 0x1000);
        CHECK(a >= 0x10001000u && a < 0x10009000u && (a & 0xfff) == 0);
        int slot = (int)((a - 0x10001000u) / 0x1000);
        if (slot < 0 || slot >= 8)
            continue;
        CHECK(fdt_prop_u32(&f, v, "interrupts", &irq));
        CHECK_EQ(irq, slot + 1);
        CHECK_EQ(fdt_parent(&f, v), soc);
        seen_mask |= 1 << slot;
        found++;
    }
    CHECK_EQ(found, 8);
    CHECK_EQ(seen_mask, 0xff);

    /* the raw dump has no reserved regions (OpenSBI adds its own later) */
    CHECK(!fdt_rsvmap_entry(&f, 0, &a, &s));
    CHECK_EQ(fdt_path(&f, "/reserved-memory"), FDT_ERR_NOTFOUND);

    /* structural consistency */
    int total = 0;
    for (int n = fdt_next_node(&f, -1); n >= 0; n = fdt_next_node(&f, n)) {
        total++;
        for (int c = fdt_first_child(&f, n); c >= 0; c = fdt_next_sibling(&f, c))
            CHECK_EQ(fdt_parent(&f, c), n);
    }
    CHECK_EQ(total, count_subtree(&f, root));
    /* 28 fixed nodes on virt + 2 per hart (cpu@N, its intc) + 1 per core@N */
    CHECK_EQ(total, 28 + 3 * m->harts);
    struct walk_stats st = walk_all(&f);
    CHECK_EQ(st.nodes, total);
    CHECK_EQ(st.max_depth, 4);      /* /cpus/cpu-map/cluster0/core0 */
    free(b.data);
}

TEST(qemu_virt_smp2_256m)
{
    struct expect_machine m = {build_file("tests/virt.dtb"), 256ull << 20, 2};
    check_machine(&m);
}

TEST(qemu_virt_smp4_1g)
{
    struct expect_machine m = {build_file("tests/virt-smp4.dtb"), 1ull << 30, 4};
    check_machine(&m);
}

/* Every proper prefix of a real blob must be rejected, whether the header
 * still claims the full size (TRUNCATED) or has been patched to match. */
static void check_truncations(const char *path)
{
    struct blob b = load_file(path);
    CHECK(b.data != NULL);
    if (!b.data)
        return;
    int wrong_plain = 0, wrong_patched = 0;
    for (size_t len = 0; len < b.size; len++) {
        if (open_copy(b.data, len) != FDT_ERR_TRUNCATED)
            wrong_plain++;
        if (len >= 8) {
            uint8_t *p = dup_exact(b.data, len);
            put32(p + 4, (uint32_t)len);
            struct fdt f;
            int err = fdt_open(&f, p, len);
            if (err >= 0 || (len >= 40 && err != FDT_ERR_BADOFFSET && err != FDT_ERR_BADSTRUCT))
                wrong_patched++;
            free(p);
        }
    }
    CHECK_EQ(wrong_plain, 0);
    CHECK_EQ(wrong_patched, 0);
    free(b.data);
}

TEST(truncation_every_length)
{
    check_truncations(build_file("tests/virt.dtb"));
    check_truncations(build_file("tests/virt-smp4.dtb"));
}

static void fuzz_blob(const char *path, int iterations, int *opened)
{
    struct blob b = load_file(path);
    CHECK(b.data != NULL);
    if (!b.data)
        return;
    uint8_t *p = malloc(b.size);
    uint32_t off_struct = fdt_be32(b.data + 8), size_struct = fdt_be32(b.data + 36);
    for (int it = 0; it < iterations; it++) {
        memcpy(p, b.data, b.size);
        int flips = 1 + (int)(check_rng() % 4);
        for (int k = 0; k < flips; k++) {
            size_t at;
            uint64_t r = check_rng();
            /* bias towards the header and the token stream, where damage is
             * structural rather than just a changed property value */
            switch (r % 4) {
            case 0: at = (size_t)(r >> 8) % 40; break;
            case 1: at = off_struct + (size_t)(r >> 8) % size_struct; break;
            default: at = (size_t)(r >> 8) % b.size; break;
            }
            p[at] ^= (uint8_t)(1u << ((r >> 40) % 8));
        }
        /* occasionally smash a whole word with a small or huge value */
        if (check_rng() % 8 == 0) {
            size_t at = (size_t)(check_rng() % (b.size / 4)) * 4;
            put32(p + at, check_rng() % 2 ? (uint32_t)(check_rng() % 16) : (uint32_t)check_rng());
        }
        struct fdt f;
        int err = fdt_open(&f, p, b.size);
        CHECK(err <= 0 && err >= FDT_ERR_BADVALUE);
        if (err == FDT_OK) {
            (*opened)++;
            walk_all(&f);
        }
    }
    free(p);
    free(b.data);
}

TEST(random_bit_flips)
{
    int opened = 0;
    fuzz_blob(build_file("tests/virt.dtb"), 10000, &opened);
    fuzz_blob(build_file("tests/virt-smp4.dtb"), 10000, &opened);
    /* most flips land in property values, so plenty still open and get walked */
    CHECK(opened > 3000);
    printf("     %d of 20000 mutated blobs opened and were walked\n", opened);
}

int main(void)
{
    RUN(be_loads_unaligned);
    RUN(strerror_names_every_code);
    RUN(stringlist_contains);
    RUN(unopened_struct_fails_cleanly);
    RUN(sample_tree_navigation);
    RUN(open_accepts_larger_avail_and_minimal_tree);
    RUN(rejects_bad_headers);
    RUN(rejects_bad_structure);
    RUN(depth_limit);
    RUN(qemu_virt_smp2_256m);
    RUN(qemu_virt_smp4_1g);
    RUN(truncation_every_length);
    RUN(random_bit_flips);
    return check_summary();
}
