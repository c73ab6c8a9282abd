"""tests/host/test_tour.py — every hop of docs/tour.md points at code that exists.

docs/tour.md walks through the code hop by hop; each hop is a Markdown link
whose text is `path:function` and whose target is that file, e.g.
[kernel/main.c:kmain](../kernel/main.c). The test fails, naming the hop
(walk, number, line), when the file is missing, when the link's target is
not the file its text names, or when the file does not define the function:
  .c/.h  a C definition: at the start of a line, the return type (if on the
         same line) then the name and '(', and after the matching ')' a '{'
         (a prototype or a call does not count);
  .S     a label `name:`;
  .py    a `def name(`.
Asides in the tour's text, `path:function` in backticks and "`function()`
in `path`", are checked the same way. It also checks that the tour has its
four walks, each with hops, and the same kind of pointer elsewhere in the documentation, so a rename or a move
that leaves a pointer behind fails here: in README.md, docs/*.md and the
folders' README.md files, every `path:function` (as a link or in
backticks), every "`function()` in `path`", and every relative link to a
file (which must exist). README.md must link the tour.
"""
import glob
import os
import re
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOUR = "docs/tour.md"
WALKS = 4
MIN_HOPS = 5

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
PATH = r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*\.(?:c|h|S|py)"
# [path:function](target)
LINK_REF = re.compile(r"\[`?(" + PATH + r"):(" + NAME + r")`?\]\(([^)\s]+)\)")
# `path:function` outside a link
CODE_REF = re.compile(r"(?<!\[)`(" + PATH + r"):(" + NAME + r")`")
# `function()` in `path`
IN_REF = re.compile(r"`(" + NAME + r")\(\)` in `(" + PATH + r")`")
# [text](relative/file) — not a URL, not a bare #anchor
FILE_LINK = re.compile(r"\]\((?![a-z]+:)([^)\s#]+)(?:#[^)\s]*)?\)")
HOP_LINE = re.compile(r"^\s*\d+\.\s+\[")


def _skip_space_and_comments(text, i):
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end + 1
        else:
            break
    return i


def c_defines(text, name):
    """True if the C source defines function `name` (see the module doc)."""
    pat = re.compile(r"^(?:[A-Za-z_][^;{}=\n]*?[\s*])?" + re.escape(name) + r"\s*\(", re.M)
    for m in pat.finditer(text):
        if m.group(0).lstrip().startswith(("return", "else", "#")):
            continue
        depth, i = 0, m.end() - 1
        while i < len(text):
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        j = _skip_space_and_comments(text, i + 1)
        if j < len(text) and text[j] == "{":
            return True
    return False


def defines(root, path, name):
    """None if `path` defines `name`, else why not."""
    full = os.path.join(root, path)
    if not os.path.isfile(full):
        return f"{path} does not exist"
    with open(full, errors="replace") as f:
        text = f.read()
    if path.endswith((".c", ".h")):
        found = c_defines(text, name)
    elif path.endswith(".S"):
        found = re.search(r"^\s*" + re.escape(name) + r"\s*:", text, re.M)
    elif path.endswith(".py"):
        found = re.search(r"^\s*(?:async\s+)?def\s+" + re.escape(name) + r"\s*\(", text, re.M)
    else:
        return f"{path}: cannot check a function in this kind of file"
    return None if found else f"{path} defines no {name}"


def _link_target(doc, target):
    """The repository path a relative link in `doc` points at."""
    return os.path.normpath(os.path.join(os.path.dirname(doc), target))


def tour_problems(root=ROOT, doc=TOUR):
    """Every broken hop of the tour, as 'doc:line: walk W hop H [ref]: why',
    and what is wrong with its shape (walks, hops)."""
    with open(os.path.join(root, doc)) as f:
        lines = f.read().splitlines()
    bad, walks = [], []
    for n, line in enumerate(lines, 1):
        if line.startswith("## "):
            walks.append([line[3:].strip(), 0])
            continue
        is_hop = HOP_LINE.match(line)
        if is_hop and walks:
            walks[-1][1] += 1
        if not walks:
            where = "before the walks"
        else:
            where = f"walk {len(walks)} {'hop' if is_hop else 'after hop'} {walks[-1][1]}"
        if is_hop and not LINK_REF.match(line[is_hop.end() - 1:]):
            bad.append(f"{doc}:{n}: {where}: does not start with a [path:function](path) link")
        for m in LINK_REF.finditer(line):
            path, name, target = m.groups()
            ref = f"[{path}:{name}]"
            if _link_target(doc, target) != os.path.normpath(path):
                bad.append(f"{doc}:{n}: {where} {ref}: links to {target}, not to {path}")
            why = defines(root, path, name)
            if why:
                bad.append(f"{doc}:{n}: {where} {ref}: {why}")
        asides = [(m.group(1), m.group(2)) for m in CODE_REF.finditer(line)]
        asides += [(m.group(2), m.group(1)) for m in IN_REF.finditer(line)]
        for path, name in asides:
            why = defines(root, path, name)
            if why:
                bad.append(f"{doc}:{n}: {where}, aside `{path}:{name}`: {why}")
    if len(walks) < WALKS:
        bad.append(f"{doc}: {len(walks)} walks (## sections), the tour has {WALKS}")
    for title, hops in walks[:WALKS]:
        if hops < MIN_HOPS:
            bad.append(f"{doc}: walk '{title}' has {hops} hops, fewer than {MIN_HOPS}")
    return bad


def pointer_problems(root=ROOT, docs=None):
    """Broken code pointers and file links in the other documentation."""
    if docs is None:
        docs = ["README.md"] + sorted(
            os.path.relpath(p, root)
            for pattern in ("docs/*.md", "*/README.md", "*/*/README.md", "*/*/*/README.md")
            for p in glob.glob(os.path.join(root, pattern)))
        docs = [d for d in docs if d != TOUR]
    bad = []
    for doc in docs:
        with open(os.path.join(root, doc)) as f:
            lines = f.read().splitlines()
        in_code = False
        for n, line in enumerate(lines, 1):
            if line.lstrip().startswith("```"):
                in_code = not in_code
                continue
            if in_code:
                continue
            refs = [(m.group(1), m.group(2)) for m in LINK_REF.finditer(line)]
            refs += [(m.group(1), m.group(2)) for m in CODE_REF.finditer(line)]
            refs += [(m.group(2), m.group(1)) for m in IN_REF.finditer(line)]
            for path, name in refs:
                why = defines(root, path, name)
                if why:
                    bad.append(f"{doc}:{n}: {path}:{name}: {why}")
            for m in FILE_LINK.finditer(line):
                target = _link_target(doc, m.group(1))
                if not os.path.exists(os.path.join(root, target)):
                    bad.append(f"{doc}:{n}: link to {m.group(1)}: {target} does not exist")
    return bad


def test_every_tour_hop_names_a_function_its_file_defines():
    bad = tour_problems()
    assert not bad, "broken hops in the tour:\n  " + "\n  ".join(bad)


def test_documentation_pointers_name_what_exists():
    bad = pointer_problems()
    assert not bad, "stale pointers in the documentation:\n  " + "\n  ".join(bad)


def test_readme_links_the_tour():
    with open(os.path.join(ROOT, "README.md")) as f:
        assert "](docs/tour.md)" in f.read(), "README.md does not link docs/tour.md"


def test_checker_names_each_kind_of_broken_hop():
    """The checker on a made-up tree: a good hop of each kind passes; a
    missing function, a prototype without a body, a missing file, a link
    whose target is another file and a short walk are each reported with
    their walk and hop number."""
    files = {
        "k/a.c": "static inline int\ngood_c(int x,\n       int y)\n{\n    return helper(x);\n}\n"
                 "int only_declared(void);\n",
        "k/b.S": "    .globl entry\nentry:\n    ret\n",
        "t/c.py": "class X:\n    def good_py(self):\n        pass\n",
        "docs/other.md": "See [k/a.c:good_c](../k/a.c), `k/a.c:gone` and [x](../k/none.c).\n",
    }
    tour = ("# Tour\n\n## 1. One\n\n"
            "1. [k/a.c:good_c](../k/a.c) — fine.\n"
            "2. [k/b.S:entry](../k/b.S) — fine.\n"
            "3. [t/c.py:good_py](../t/c.py) — fine.\n"
            "4. [k/a.c:helper](../k/a.c) — only called there.\n"
            "5. [k/a.c:only_declared](../k/a.c) — a prototype.\n"
            "6. [k/gone.c:f](../k/gone.c) — no such file.\n"
            "7. [k/a.c:good_c](../k/b.S) — wrong target.\n"
            "   (Not `gone_aside()` in `k/a.c`; `k/b.S:entry` is fine.)\n"
            "\n## 2. Two\n\n1. [k/b.S:entry](../k/b.S) — short.\n"
            "\n## 3. Three\n\n## 4. Four\n")
    with tempfile.TemporaryDirectory() as tmp:
        for path, text in list(files.items()) + [(TOUR, tour)]:
            os.makedirs(os.path.dirname(os.path.join(tmp, path)), exist_ok=True)
            with open(os.path.join(tmp, path), "w") as f:
                f.write(text)
        bad = tour_problems(tmp)
        text = "\n".join(bad)
        for expect in ("walk 1 hop 4 [k/a.c:helper]: k/a.c defines no helper",
                       "walk 1 hop 5 [k/a.c:only_declared]: k/a.c defines no only_declared",
                       "walk 1 hop 6 [k/gone.c:f]: k/gone.c does not exist",
                       "walk 1 hop 7 [k/a.c:good_c]: links to ../k/b.S, not to k/a.c",
                       "aside `k/a.c:gone_aside`: k/a.c defines no gone_aside",
                       "walk '2. Two' has 1 hops", "walk '3. Three' has 0 hops",
                       "walk '4. Four' has 0 hops"):
            assert any(expect in b for b in bad), \
                f"not reported: {expect}\nreported:\n{text}"
        assert not any(" hop 1 " in b or " hop 2 " in b or " hop 3 " in b
                       for b in bad if "walk 1" in b), f"a good hop reported:\n{text}"
        assert len(bad) == 8, text
        other = pointer_problems(tmp, ["docs/other.md"])
        assert len(other) == 2 and "k/a.c defines no gone" in other[0] \
            and "k/none.c does not exist" in other[1], other
