"""tests/host/test_syscall_list.py — the one list of system calls, the
numbers made from it, and docs/syscalls.md's table agree.

kernel/abi/syscalls.def is the list: SYSCALL(number, name, nargs, "C
signature") per line. The kernel's numbers, handler prototypes and dispatch
and the user stubs are made from it by the C preprocessor, so they cannot
drift from it; what can drift is the documentation, and a list line the
compiler accepts but a reader would not (nargs that is not the signature's
parameter count). Checked here:
  - every line of the list is a comment, blank, or one well-formed entry;
  - numbers run 1..n, each once; names once; nargs 0..6 and equal to the
    signature's parameter count; the signature names the call;
  - docs/syscalls.md's table "The calls" has exactly one row per number,
    with the list's name and, word for word, its signature;
  - kernel/abi/syscall_numbers.h, compiled by the host compiler (C) and
    preprocessed as assembly, gives SYS_name = number and SYS_COUNT = n + 1.
The checker is also run on broken copies, to see that it names what broke.
"""
import os
import re
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST = os.path.join(ROOT, "kernel", "abi", "syscalls.def")
DOC = os.path.join(ROOT, "docs", "syscalls.md")

ENTRY = re.compile(r'^SYSCALL\(\s*(\d+),\s*([a-z_][a-z_0-9]*),\s*(\d+),\s*"([^"]*)"\)\s*$')
DOC_ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*([a-z_0-9]+)\s*\|\s*`([^`]*)`\s*\|")
MAX_ARGS = 6  # a0..a5


def read(path):
    with open(path) as f:
        return f.read()


def parse_list(text):
    """([(number, name, nargs, signature)], [problem]) from the list's text."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    entries, problems = [], []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        m = ENTRY.match(line.strip())
        if not m:
            problems.append(f"syscalls.def:{n}: not an entry SYSCALL(nr, name, nargs, \"sig\"): "
                            f"{line.strip()}")
            continue
        entries.append((int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)))
    return entries, problems


def parameter_count(signature):
    params = signature[signature.index("(") + 1:signature.rindex(")")].strip()
    return 0 if params == "void" else params.count(",") + 1


def called(signature):
    """The function name a C signature declares: `void *mmap(...)` -> mmap."""
    return re.search(r"([a-z_0-9]+)\s*\(", signature).group(1)


def list_problems(entries):
    problems = []
    numbers = [e[0] for e in entries]
    names = [e[1] for e in entries]
    for nr in sorted(set(numbers)):
        if numbers.count(nr) > 1:
            problems.append(f"number {nr} given {numbers.count(nr)} times")
    for name in sorted(set(names)):
        if names.count(name) > 1:
            problems.append(f"name {name} given {names.count(name)} times")
    missing = sorted(set(range(1, len(entries) + 1)) - set(numbers))
    if missing:
        problems.append(f"numbers are not dense from 1: missing {missing}")
    for nr, name, nargs, sig in entries:
        if not 0 <= nargs <= MAX_ARGS:
            problems.append(f"{name}: nargs {nargs} is not 0..{MAX_ARGS}")
        if "(" not in sig or called(sig) != name:
            problems.append(f"{name}: the signature \"{sig}\" does not declare {name}")
        elif parameter_count(sig) != nargs:
            problems.append(f"{name}: nargs {nargs} but the signature has "
                            f"{parameter_count(sig)} parameters")
    return problems


def doc_rows(text):
    """[(number, name, signature)] of the table under "## The calls"."""
    section = text.split("\n## The calls", 1)[1].split("\n## ", 1)[0]
    return [(int(m.group(1)), m.group(2), m.group(3))
            for m in map(DOC_ROW.match, section.split("\n")) if m]


def doc_problems(entries, rows):
    problems = []
    by_nr = {}
    for nr, name, sig in rows:
        if nr in by_nr:
            problems.append(f"docs/syscalls.md documents number {nr} twice")
        by_nr[nr] = (name, sig)
    listed = {e[0] for e in entries}
    for nr, name, _, sig in entries:
        if nr not in by_nr:
            problems.append(f"docs/syscalls.md has no row for {nr} ({name})")
            continue
        doc_name, doc_sig = by_nr[nr]
        if doc_name != name:
            problems.append(f"number {nr}: the list says {name}, docs/syscalls.md {doc_name}")
        if doc_sig != sig:
            problems.append(f"{name}: the list's signature \"{sig}\" differs from "
                            f"docs/syscalls.md's \"{doc_sig}\"")
    for nr in sorted(set(by_nr) - listed):
        problems.append(f"docs/syscalls.md documents {nr} ({by_nr[nr][0]}), not in the list")
    return problems


def all_problems(list_text, doc_text):
    entries, problems = parse_list(list_text)
    return problems + list_problems(entries) + doc_problems(entries, doc_rows(doc_text))


def test_list_and_docs_agree():
    problems = all_problems(read(LIST), read(DOC))
    assert not problems, "\n  ".join(["kernel/abi/syscalls.def vs docs/syscalls.md:"] + problems)


def test_list_is_not_empty_and_starts_at_exit():
    entries, _ = parse_list(read(LIST))
    assert len(entries) >= 44 and entries[0][:3] == (1, "exit", 1), entries[:1]


def test_checker_names_what_broke():
    """A missing row, a row twice, a changed signature, a gap in the
    numbers, a wrong nargs and a malformed line are each reported."""
    good_list, good_doc = read(LIST), read(DOC)
    row13 = next(line for line in good_doc.split("\n") if line.startswith("| 13 | close |"))
    cases = [
        (good_list, good_doc.replace(row13 + "\n", ""), "no row for 13 (close)"),
        (good_list, good_doc.replace(row13, row13 + "\n" + row13), "documents number 13 twice"),
        (good_list, good_doc.replace("`int close(int fd)`", "`int close(long fd)`"),
         "close: the list's signature"),
        (good_list.replace("SYSCALL(44, fsync", "SYSCALL(45, fsync"), good_doc,
         "missing [44]"),
        (good_list.replace("SYSCALL(13, close,         1", "SYSCALL(13, close,         2"),
         good_doc, "close: nargs 2 but the signature has 1"),
        (good_list.replace("SYSCALL(13, close,", "SYSCAL(13, close,"), good_doc,
         "not an entry"),
        (good_list.replace("SYSCALL(14, read,", "SYSCALL(13, read,"), good_doc,
         "number 13 given 2 times"),
    ]
    for list_text, doc_text, expected in cases:
        assert list_text != good_list or doc_text != good_doc, expected  # the edit applied
        problems = all_problems(list_text, doc_text)
        assert any(expected in p for p in problems), (expected, problems)


def host_cc():
    for cc in (os.environ.get("HOSTCC"), "cc", "gcc", "clang"):
        if cc and shutil.which(cc):
            return cc
    raise AssertionError("no host C compiler")


def test_numbers_header_gives_the_lists_numbers_in_c_and_assembly():
    entries, _ = parse_list(read(LIST))
    want = {f"SYS_{name}": nr for nr, name, _, _ in entries}
    want["SYS_COUNT"] = len(entries) + 1
    cc = host_cc()
    with tempfile.TemporaryDirectory() as tmp:
        prog = os.path.join(tmp, "numbers.c")
        with open(prog, "w") as f:
            f.write('#include <stdio.h>\n#include "kernel/abi/syscall_numbers.h"\n'
                    "int main(void)\n{\n"
                    '#define SYSCALL(nr, name, nargs, sig) printf("SYS_%s %d\\n", #name, '
                    "(int)SYS_##name);\n"
                    '#include "kernel/abi/syscalls.def"\n'
                    '    printf("SYS_COUNT %d\\n", (int)SYS_COUNT);\n    return 0;\n}\n')
        subprocess.run([cc, "-std=c11", "-Wall", "-Werror", "-I", ROOT, "-o",
                        os.path.join(tmp, "numbers"), prog], check=True)
        out = subprocess.run([os.path.join(tmp, "numbers")], check=True,
                             capture_output=True, text=True).stdout
        in_c = dict((k, int(v)) for k, v in (line.split() for line in out.splitlines()))
        asm = os.path.join(tmp, "numbers.S")
        with open(asm, "w") as f:
            f.write('#include "kernel/abi/syscall_numbers.h"\n')
        out = subprocess.run([cc, "-E", "-P", "-D__ASSEMBLER__", "-x", "assembler-with-cpp",
                              "-I", ROOT, asm], check=True, capture_output=True, text=True).stdout
        in_asm = dict((m.group(1), int(m.group(2)))
                      for m in re.finditer(r"\.equ\s+(SYS_\w+)\s*,\s*(\d+)", out))
    assert in_c == want, (in_c, want)
    del want["SYS_COUNT"]
    assert in_asm == want, (in_asm, want)
