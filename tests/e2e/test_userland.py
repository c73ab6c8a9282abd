"""tests/e2e/test_userland.py — the shell and the tools in /bin, booted
headless on a copy of build/hdd.dsk (tests never write the shared image).

Each test boots once and runs a command line through `tools/run.py --cmd`
(init runs it with /bin/sh -c and powers off with its status), checking the
output and the status; several behaviours share a boot to keep this file
fast. The interactive test types on the serial console instead."""
import os
import re
import subprocess
import time

from harness import BUILD, DiskCopy, Machine, run


def user_output(text):
    """What the command printed: the lines after init starts, without the
    kernel's log lines and init's closing line."""
    _, _, after = text.partition("kernel: starting /bin/init\n")
    lines = [l for l in after.splitlines()
             if not re.match(r"\[\s*\d+\.\d+\] ", l) and not l.startswith("init: exit status")]
    return "\n".join(lines) + ("\n" if lines else "")


def sh(cmd, timeout=30):
    """Runs cmd on a fresh copy of the disk; returns (status, output)."""
    with DiskCopy() as disk:
        status, text = run(cmd, timeout=timeout, disk=disk.path)
    return status, user_output(text)


def host_cksum(data):
    out = subprocess.run(["cksum"], input=data, stdout=subprocess.PIPE, check=True).stdout
    crc, size = out.split()[:2]
    return crc.decode(), size.decode()


# ---- the shell -------------------------------------------------------------

def test_pipe_into_redirect_then_cat():
    status, out = sh("echo hi | wc -c > /x; cat /x")
    assert status == 0, out
    assert out == "3\n", out


def test_quotes_and_escapes():
    status, out = sh(r"""echo 'single  $? "kept"' "double $? \"q\" \$ \\" un\ quoted\;x; """
                     r"""echo "a"'b'c ''; echo -n no-newline; echo '#not a comment' # a comment""")
    assert status == 0, out
    lines = out.splitlines()
    assert lines[0] == 'single  $? "kept" double 0 "q" $ \\ un quoted;x', lines
    assert lines[1] == "abc ", lines          # '' is an empty argument
    assert lines[2] == "no-newline#not a comment", lines


def test_sequences_and_status():
    status, out = sh("false; echo a=$?; true && echo b; false && echo NOT; false || echo c; "
                     "true || echo NOT; false && echo NOT || echo d=$?; nope || echo e=$?")
    assert status == 0, out
    assert "NOT" not in out, out
    for want in ["a=1", "b", "c", "d=1", "e=127"]:
        assert re.search(rf"^{re.escape(want)}$", out, re.M), (want, out)


def test_redirections():
    status, out = sh("echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f; wc -l < /tmp/f; "
                     "cat /nope 2> /tmp/err; echo s=$?; cat /tmp/err; "
                     "echo replaced > /tmp/f; cat /tmp/f; cat < /missing; echo t=$?")
    assert status == 0, out
    lines = out.splitlines()
    assert lines[:3] == ["one", "two", "2"], lines
    assert "s=1" in lines
    assert "cat: /nope: No such file or directory" in lines
    assert "replaced" in lines and lines.count("one") == 1
    assert "sh: /missing: No such file or directory" in lines
    assert "t=1" in lines


def test_unknown_command_and_syntax_errors():
    status, out = sh("frobnicate now")
    assert status == 127, (status, out)
    assert "sh: frobnicate: command not found" in out
    status, out = sh("echo a |")
    assert status == 2, (status, out)
    assert "syntax error" in out and "a" not in out.replace("syntax error", "").split()
    status, out = sh("echo 'open")
    assert status == 2 and "syntax error" in out, (status, out)
    status, out = sh("./nope; echo s=$?; /etc/motd; echo t=$?")
    assert "sh: ./nope: No such file or directory" in out and "s=127" in out, out
    assert "sh: /etc/motd: " in out and "t=126" in out, out


def test_cd_pwd_and_exit_status():
    status, out = sh("pwd; cd /etc; pwd; cat motd | wc -l; cd /nope; echo s=$?; cd; pwd; "
                     "cd /bin && /bin/pwd; exit 3; echo NOT")
    assert status == 3, (status, out)
    lines = out.splitlines()
    assert lines[0] == "/" and lines[1] == "/etc", lines
    assert re.match(r"^\d+$", lines[2]), lines
    assert "sh: cd: /nope: No such file or directory" in lines and "s=1" in lines
    assert lines[-1] == "/bin" and "NOT" not in out


def test_three_stage_pipeline_and_env():
    status, out = sh("cat /etc/motd | cat | wc -c; echo $HOME-$NOPE-x ${PATH}; "
                     "ls /bin | wc -l")
    assert status == 0, out
    lines = out.splitlines()
    with open(os.path.join(BUILD, "disk-root", "etc", "motd"), "rb") as f:
        assert lines[0] == str(len(f.read())), lines
    assert re.match(r"^\S*--x \S+$", lines[1]), lines
    assert int(lines[2]) >= 20, lines


def test_interactive_shell_on_the_console():
    with DiskCopy() as disk, Machine(disk=disk.path, timeout=30) as m:
        m.expect(r"/ \$ ")
        m.send("echo hi\r")
        m.expect(r"\nhi\r?\n")
        m.expect(r"/ \$ ")
        m.send("cd /etc\r")
        m.expect(r"/etc \$ ")
        # ^C ends the foreground job, the shell gets a new prompt.
        m.send("sleep 20\r")
        time.sleep(0.5)
        mark = len(m.output)
        m.send("\x03")
        m.expect(r"/etc \$ ", since=mark)
        m.send("echo status=$?\r")
        m.expect(r"status=130")
        m.send("poweroff 7\r")
        assert m.wait() == 7


# ---- the tools --------------------------------------------------------------

def test_cksum_matches_host():
    with DiskCopy() as disk:
        status, text = run("cksum /bin/sh; echo hello | cksum", timeout=30, disk=disk.path)
        out = user_output(text)
        dumped = os.path.join(disk.tmp, "sh")
        subprocess.run(["debugfs", "-R", f"dump /bin/sh {dumped}", disk.path], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(dumped, "rb") as f:
            data = f.read()
    assert status == 0, out
    crc, size = host_cksum(data)
    assert f"{crc} {size} /bin/sh" in out.splitlines(), (crc, size, out)
    crc, size = host_cksum(b"hello\n")
    assert f"{crc} {size}" in out.splitlines(), out


def test_file_tools():
    status, out = sh(
        "mkdir -p /tmp/a/b/c && echo made; echo data > /tmp/a/f; cp /tmp/a/f /tmp/a/b/g; "
        "cat /tmp/a/b/g; mv /tmp/a/b/g /tmp/a/h; ls /tmp/a; ls -l /tmp/a/h; "
        "cp /tmp/a/f /tmp/a/h /tmp/a/b; ls /tmp/a/b; rm /tmp/a/b/c; echo r=$?; "
        "rm -r /tmp/a; ls /tmp; echo l=$?; ls /tmp/a; echo m=$?; "
        "echo 'x y  z' > /w; echo second line >> /w; wc /w; wc -w /w; wc -l -c /w")
    assert status == 0, out
    lines = out.splitlines()
    assert lines[:2] == ["made", "data"], lines
    assert "b\nf\nh\n" in out, out
    assert re.search(r"^-rw-r--r-- +1 +5 /tmp/a/h$", out, re.M), out
    assert "c\nf\nh\n" in out
    assert "rm: /tmp/a/b/c: Is a directory" in lines and "r=1" in lines
    assert "l=0" in lines
    assert "ls: /tmp/a: No such file or directory" in lines and "m=1" in lines
    assert re.search(r"^ +2 +5 +19 /w$", out, re.M), out
    assert re.search(r"^ +5 /w$", out, re.M), out
    assert re.search(r"^ +2 +19 /w$", out, re.M), out


def test_hexdump_matches_host():
    status, out = sh("hexdump -C /etc/motd; echo -n ab | hexdump")
    assert status == 0, out
    with open(os.path.join(BUILD, "disk-root", "etc", "motd"), "rb") as f:
        motd = f.read()
    want = subprocess.run(["hexdump", "-C"], input=motd, stdout=subprocess.PIPE,
                          check=True).stdout.decode()
    assert out.startswith(want), (want, out)
    assert out[len(want):] == "00000000  61 62                                             |ab|\n" \
                              "00000002\n", out[len(want):]


def test_process_tools():
    status, out = sh("ps; free; meminfo | wc -l; sleep 0.2 && echo slept; "
                     "kill -9 99999; echo k=$?; kill -BOGUS 1; echo b=$?; "
                     "sleep x; echo s=$?; true; echo t=$?; false; echo f=$?; echo -n")
    assert status == 0, out
    assert re.search(r"PID\s+PPID\s+STATE.*NAME", out), out
    assert re.search(r"^\s+1\s+0\s+\S+.*init$", out, re.M), out
    assert re.search(r"^\s+\d+\s+\d+\s+\S+.*\bps$", out, re.M), out
    assert re.search(r"^Mem:\s+262144\s+\d+\s+\d+$", out, re.M), out
    assert "slept" in out
    assert "kill: 99999: No such process" in out and "k=1" in out
    assert "kill: BOGUS: invalid signal" in out and "b=2" in out
    assert "sleep: invalid time interval 'x'" in out and "s=1" in out
    assert "t=0" in out and "f=1" in out


def test_poweroff_status_and_error_messages():
    status, out = sh("poweroff 9")
    assert status == 9, out
    status, out = sh("poweroff x; echo p=$?; cat /nope; echo c=$?; mkdir /etc; echo m=$?; "
                     "mv /nope /x; echo v=$?; cp /nope /x; echo cp=$?; wc /nope; echo w=$?; "
                     "cksum /nope; echo ck=$?; hexdump /nope; echo h=$?; rm /nope; echo r=$?")
    assert status == 0, out
    for line in ["poweroff: x: not a number", "p=2",
                 "cat: /nope: No such file or directory", "c=1",
                 "mkdir: /etc: File exists", "m=1",
                 "mv: /nope: No such file or directory", "v=1",
                 "cp: /nope: No such file or directory", "cp=1",
                 "wc: /nope: No such file or directory", "w=1",
                 "cksum: /nope: No such file or directory", "ck=1",
                 "hexdump: /nope: No such file or directory", "h=1",
                 "rm: /nope: No such file or directory", "r=1"]:
        assert line in out.splitlines(), (line, out)
