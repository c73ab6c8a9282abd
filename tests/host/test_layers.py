"""tests/host/test_layers.py — the layer rule, checked on every #include.

The kernel's folders are ranked in ONE table, the "Layers" table of
kernel/README.md (rank, folder, what lives there); kernel/kernel.mk lists the
same folders in the same order. A file may include its own folder and
folders of a LOWER rank, never a higher or equal-but-other one, so the
folder include graph is a DAG by construction; the test checks that too,
and that every folder holding sources is in the table. A folder without a
row of its own belongs to its nearest ranked parent (fs/ext2/ would be part
of fs/), except directly under kernel/: each kernel/ folder has its row.

user/ is outside the kernel: it may include user/ and, from the kernel, only
the system-call ABI (kernel/abi/) and the pure helpers it compiles into its
own programs (kernel/lib/, and audio/tone.h, audio/wav.h) — the USER_MAY
list below.
"""
import os
import re
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKED = ("kernel", "drivers", "fs", "gfx", "audio", "user")
USER_MAY = ("user", "kernel/abi", "kernel/lib", "audio/tone.h", "audio/wav.h")
SOURCE = re.compile(r"\.(c|h|S)$")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*`([^`]+?)/?`\s*\|")


def rank_table(root=ROOT):
    """[(rank, folder)] in table order, from kernel/README.md."""
    rows = []
    with open(os.path.join(root, "kernel", "README.md")) as f:
        for line in f:
            m = ROW.match(line)
            if m:
                rows.append((int(m.group(1)), m.group(2)))
    return rows


def sources(root, tops=CHECKED):
    for top in tops:
        for d, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if SOURCE.search(name):
                    yield os.path.relpath(os.path.join(d, name), root)


def includes(root, path):
    """(line number, included path relative to root) for each #include "..."."""
    with open(os.path.join(root, path), errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            local = os.path.normpath(os.path.join(os.path.dirname(path), target))
            if "/" not in target or os.path.exists(os.path.join(root, local)):
                target = local
            yield n, target


def ranked_folder(folder, ranks):
    """The table row a folder belongs to: itself, or its nearest ranked
    parent other than kernel/ itself; None when there is none."""
    while folder:
        if folder in ranks:
            return folder
        folder = os.path.dirname(folder)
        if folder == "kernel":
            return None
    return None


def violations(root=ROOT):
    """Every include that breaks the rule, as 'file:line includes X (why)'."""
    table = dict((folder, rank) for rank, folder in rank_table(root))
    bad = []
    for path in sources(root):
        here = os.path.dirname(path)
        if path.startswith("user/"):
            for n, target in includes(root, path):
                if not any(target == u or target.startswith(u + "/") for u in USER_MAY):
                    bad.append(f"{path}:{n} includes {target} (user/ may include only "
                               f"{', '.join(USER_MAY)})")
            continue
        here = ranked_folder(os.path.dirname(path), table)
        if here is None:
            bad.append(f"{path}: folder {os.path.dirname(path)}/ is not in the rank table "
                       f"(kernel/README.md)")
            continue
        for n, target in includes(root, path):
            there = ranked_folder(os.path.dirname(target), table)
            if there == here:
                continue
            if there is None:
                bad.append(f"{path}:{n} includes {target} (folder {os.path.dirname(target)}/ "
                           f"has no rank)")
            elif table[there] >= table[here]:
                bad.append(f"{path}:{n} includes {target} "
                           f"(rank {table[here]} -> rank {table[there]})")
    return bad


def folder_graph(root=ROOT):
    """Ranked folder -> the ranked folders its files include."""
    table = dict((folder, rank) for rank, folder in rank_table(root))
    graph = {}
    for path in sources(root, tuple(t for t in CHECKED if t != "user")):
        here = ranked_folder(os.path.dirname(path), table) or os.path.dirname(path)
        for _, target in includes(root, path):
            there = ranked_folder(os.path.dirname(target), table) or os.path.dirname(target)
            if there != here:
                graph.setdefault(here, set()).add(there)
    return graph


def find_cycle(graph):
    """A list of folders forming a cycle, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
            if nxt not in state:
                found = visit(nxt, trail + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [node])
            if found:
                return found
    return None


def test_no_include_points_to_a_higher_layer():
    bad = violations()
    assert not bad, "upward includes:\n  " + "\n  ".join(bad)


def test_folder_include_graph_is_acyclic():
    cycle = find_cycle(folder_graph())
    assert cycle is None, "folder include cycle: " + " -> ".join(cycle)


def test_kernel_mk_builds_the_ranked_folders_in_rank_order():
    """KERNEL_DIRS lists every row of the table, in table order (a folder
    that belongs to a row, like a subfolder, may follow it), and nothing
    without a rank."""
    with open(os.path.join(ROOT, "kernel", "kernel.mk")) as f:
        text = f.read().replace("\\\n", " ")
    listed = re.search(r"^KERNEL_DIRS\s*:=(.*)$", text, re.M).group(1).split()
    table = rank_table()
    ranks = dict((folder, rank) for rank, folder in table)
    assert [r for r, _ in table] == sorted(r for r, _ in table), "table not in rank order"
    rows = [ranked_folder(d, ranks) for d in listed]
    assert None not in rows, f"KERNEL_DIRS has folders without a rank: {listed}"
    assert [d for d in listed if d in ranks] == [folder for _, folder in table], (listed, table)
    assert [ranks[r] for r in rows] == sorted(ranks[r] for r in rows), listed


def test_every_source_folder_is_ranked_and_opens_with_a_readme():
    ranked = {folder for _, folder in rank_table()}
    missing = []
    for top in CHECKED + ("tools", "tests"):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            rel = os.path.relpath(d, ROOT)
            if "__pycache__" in rel or "/include" in rel or not (rel == top or any(SOURCE.search(f) for f in files)):
                continue
            if top in CHECKED[:-1]:
                ranks = dict((folder, 0) for folder in ranked)
                assert ranked_folder(rel, ranks), \
                    f"{rel}/ holds sources but has no rank in kernel/README.md"
                if rel not in ranked:
                    continue  # part of its parent's module, which its README describes
            if "README.md" not in files:
                missing.append(rel)
    assert not missing, "folders without a README.md: " + ", ".join(missing)


def test_checker_names_an_injected_upward_include():
    """The same checker on a copy of the real rank table plus two files: a
    driver that includes a file system header must be reported with its
    line and both ranks, and the folder cycle it makes must be found."""
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "kernel"))
        with open(os.path.join(ROOT, "kernel", "README.md")) as src, \
                open(os.path.join(tmp, "kernel", "README.md"), "w") as dst:
            dst.write(src.read())
        for path, text in (("drivers/virtio/bad.c", '#include "drivers/virtio/bad.h"\n'
                                                     '#include "fs/vfs.h"\n'),
                           ("drivers/virtio/bad.h", ""),
                           ("fs/vfs.h", '#include "drivers/virtio/bad.h"\n')):
            os.makedirs(os.path.dirname(os.path.join(tmp, path)), exist_ok=True)
            with open(os.path.join(tmp, path), "w") as f:
                f.write(text)
        ranks = dict((folder, rank) for rank, folder in rank_table())
        want = (f"drivers/virtio/bad.c:2 includes fs/vfs.h "
                f"(rank {ranks['drivers/virtio']} -> rank {ranks['fs']})")
        assert violations(tmp) == [want], violations(tmp)
        assert find_cycle(folder_graph(tmp)) in (["drivers/virtio", "fs", "drivers/virtio"],
                                                 ["fs", "drivers/virtio", "fs"])


def test_readme_layout_names_exactly_the_folders_that_exist():
    """README.md's Layout table has a row per kernel folder and per top-level
    folder, and every row it has is a folder that exists."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    section = text[text.index("## Layout"):]
    section = section[:section.index("\n## ", 1)] if "\n## " in section[1:] else section
    rows = set(re.findall(r"^\| `([\w/]+)/` \|", section, re.M))
    for row in rows:
        assert os.path.isdir(os.path.join(ROOT, row)), f"README Layout names {row}/, not a folder"
    want = {folder for _, folder in rank_table() if folder.startswith("kernel/")}
    want |= {d for d in os.listdir(ROOT) if os.path.isdir(os.path.join(ROOT, d))
             and not d.startswith(".") and not d.startswith("build")}
    assert want <= rows, f"README Layout lacks: {sorted(want - rows)}"
