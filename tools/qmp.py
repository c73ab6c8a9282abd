"""tools/qmp.py — a small client for QEMU's machine protocol (QMP).

Used by tools/run.py (clean quit on timeout, recording) and by the test
harness (screendumps, key presses). Standard library only.

    q = QMP("/tmp/x.sock")           # connects (waits for the socket) and
    q.command("screendump", filename="/tmp/s.ppm")   # negotiates capabilities
    q.close()

command() returns the "return" member of the reply, raises QMPError for an
"error" reply; asynchronous events that arrive meanwhile are kept in .events.
A reply slower than io_timeout seconds raises OSError (socket.timeout).
"""
import json
import os
import socket
import time


class QMPError(Exception):
    pass


class QMP:
    def __init__(self, path, connect_timeout=10.0, io_timeout=30.0):
        deadline = time.monotonic() + connect_timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                # A server that stopped accepting (QEMU hung) makes connect
                # block once its backlog is full: bounded, it raises OSError.
                self.sock.settimeout(max(0.1, deadline - time.monotonic()))
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    raise QMPError(f"no QMP server at {path}")
                time.sleep(0.05)
        self.sock.settimeout(io_timeout)
        self.buf = b""
        self.events = []
        greeting = self._read_message()
        if "QMP" not in greeting:
            raise QMPError(f"unexpected QMP greeting: {greeting}")
        self.command("qmp_capabilities")

    def _read_message(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise QMPError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, **arguments):
        msg = {"execute": name}
        if arguments:
            msg["arguments"] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read_message()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise QMPError(f"{name}: {reply['error'].get('desc', reply['error'])}")
            return reply.get("return")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def socket_path_ok(path):
    """AF_UNIX paths are limited to about 107 bytes."""
    return len(os.fsencode(path)) < 100
