"""tests/host/test_driver_registry.py — drivers register with their
subsystem; nobody above the drivers calls one by name.

virtio_probe() (drivers/virtio/virtio_mmio.c) starts every virtio driver from
one table, and each driver registers what it provides with its interface in
drivers/ (blockdev.h, display.h, input.h, pcm_out.h). So, outside drivers/:
  - the only drivers/virtio/ header anyone includes is the transport's,
    drivers/virtio/virtio.h;
  - the only virtio_*/virtq_* functions anyone calls are the transport's
    virtio_probe (kmain) and virtio_print_devices (the monitor's `devices`),
    and kernel/main.c calls only virtio_probe;
and every `struct virtio_driver` a driver defines is in virtio_probe's table.
Comments and strings are ignored (a comment may name a driver function).
"""
import os
import re
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ABOVE = ("kernel", "fs", "gfx", "audio")
TRANSPORT_HEADER = "drivers/virtio/virtio.h"
TRANSPORT_CALLS = {"virtio_probe", "virtio_print_devices"}
KMAIN_CALLS = {"virtio_probe"}
SOURCE = re.compile(r"\.[ch]$")
INCLUDE = re.compile(r'^\s*#\s*include\s+"(drivers/virtio/[^"]+)"', re.M)
CALL = re.compile(r"\b(virtio_\w+|virtq_\w+)\s*\(")
CODE_NOISE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', re.S)


def code_only(text):
    """The text with comments and string literals blanked, newlines kept."""
    return CODE_NOISE.sub(lambda m: "\n" * m.group(0).count("\n") if m.group(0)[0] == "/"
                          else '""', text)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def violations(root=ROOT):
    """'file:line names X (why)' for each driver named from above drivers/."""
    bad = []
    for top in ABOVE:
        for d, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not SOURCE.search(name):
                    continue
                path = os.path.relpath(os.path.join(d, name), root)
                with open(os.path.join(root, path), errors="replace") as f:
                    text = f.read()
                for m in INCLUDE.finditer(text):
                    if m.group(1) != TRANSPORT_HEADER:
                        bad.append(f"{path}:{line_of(text, m.start())} includes {m.group(1)} "
                                   f"(use the drivers/ interface)")
                allowed = KMAIN_CALLS if path == "kernel/main.c" else TRANSPORT_CALLS
                code = code_only(text)
                for m in CALL.finditer(code):
                    if m.group(1) not in allowed:
                        bad.append(f"{path}:{line_of(code, m.start())} calls {m.group(1)} "
                                   f"(only {', '.join(sorted(allowed))} from here)")
    return bad


def drivers_missing_from_the_table(root=ROOT):
    """The struct virtio_driver definitions virtio_probe's table lacks."""
    folder = os.path.join(root, "drivers", "virtio")
    defined = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".c"):
            with open(os.path.join(folder, name)) as f:
                defined += re.findall(r"^const struct virtio_driver (\w+)\s*=", code_only(f.read()),
                                      re.M)
    with open(os.path.join(folder, "virtio_mmio.c")) as f:
        table = re.search(r"virtio_drivers\[\]\s*=\s*\{(.*?)\};", code_only(f.read()), re.S)
    listed = set(re.findall(r"&(\w+)", table.group(1))) if table else set()
    return [d for d in defined if d not in listed]


def test_no_driver_is_called_by_name_above_the_drivers():
    bad = violations()
    assert not bad, "drivers named above drivers/:\n  " + "\n  ".join(bad)


def test_virtio_probe_starts_every_virtio_driver():
    missing = drivers_missing_from_the_table()
    assert not missing, f"not in virtio_drivers[] (virtio_mmio.c): {missing}"


def test_checker_names_a_driver_called_by_name():
    """The checker on a made-up tree: a screen that starts the GPU itself, a
    kmain that prints the virtio devices, and a comment and a string naming
    a driver function (ignored)."""
    files = {
        "gfx/screen.c": '#include "drivers/virtio/virtio_gpu.h"\n'
                        "/* virtio_gpu_present() is the driver's */\n"
                        'void display_init(void)\n{\n    klog("virtio_gpu_init()");\n'
                        "    virtio_gpu_init();\n}\n",
        "kernel/main.c": '#include "drivers/virtio/virtio.h"\n'
                         "void kmain(void)\n{\n    virtio_probe();\n    virtio_print_devices();\n}\n",
        "kernel/debug/monitor.c": "void devices(void)\n{\n    virtio_print_devices();\n}\n",
    }
    with tempfile.TemporaryDirectory() as tmp:
        for path, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, path)), exist_ok=True)
            with open(os.path.join(tmp, path), "w") as f:
                f.write(text)
        assert sorted(violations(tmp)) == [
            "gfx/screen.c:1 includes drivers/virtio/virtio_gpu.h (use the drivers/ interface)",
            "gfx/screen.c:6 calls virtio_gpu_init (only virtio_print_devices, virtio_probe "
            "from here)",
            "kernel/main.c:5 calls virtio_print_devices (only virtio_probe from here)",
        ], violations(tmp)
