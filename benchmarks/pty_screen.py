"""Time a terminal program's first screen: spawn it in a pseudo-terminal, read what it paints
until marker text shows, then end it and read its peak memory.

    python benchmarks/pty_screen.py [--marker TEXT] -- COMMAND...   # prints the screen text

The output is decoded as UTF-8 incrementally and searched after stripping escape sequences
(Textual writes a colour change between styled runs, and a cursor move between rows), so a
marker must be text that one row shows in one piece, such as a tree node's label.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# CSI (colours, cursor moves, modes), OSC (titles, clipboard; ended by BEL or ST), DCS/APC/PM
# strings, and two-byte escapes such as ESC 7 / ESC =.
ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[P_^X][^\x1b]*\x1b\\"
    r"|\x1b[()][0-9A-Za-z]"
    r"|\x1b[@-Z\\-_=>78]"
)


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


class ScreenTimeout(RuntimeError):
    """The markers never showed; the message holds the tail of what was painted."""


@dataclass(frozen=True)
class ScreenResult:
    seconds: float  # from spawn to the moment every marker had shown
    max_rss_mib: float  # the child's peak resident set, from wait4
    text: str  # everything painted, escape sequences stripped
    exit_status: int


def first_screen(
    argv: Sequence[str],
    markers: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    columns: int = 120,
    rows: int = 40,
    timeout: float = 60.0,
    settle: float = 0.0,
) -> ScreenResult:
    """Run `argv` on a fresh pty of columns x rows until all `markers` are on screen.

    After the markers, the program runs `settle` seconds more (still drained, so that it
    never blocks on a full pty), then its process group gets SIGTERM (SIGKILL if it lingers),
    and its rusage is read.
    """
    environment = dict(os.environ if env is None else env)
    environment.setdefault("TERM", "xterm-256color")
    environment["COLUMNS"], environment["LINES"] = str(columns), str(rows)
    winsize = struct.pack("HHHH", rows, columns, 0, 0)
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin/stdout/stderr are the pty, and it leads a session
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, winsize)
            if cwd is not None:
                os.chdir(cwd)
            os.execvpe(argv[0], list(argv), environment)
        finally:
            os._exit(127)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    raw: list[str] = []
    found_at: float | None = None
    deadline = start + timeout
    try:
        while True:
            now = time.perf_counter()
            if found_at is not None and now >= found_at + settle:
                break
            if now >= deadline:
                tail = strip_ansi("".join(raw))[-2000:]
                raise ScreenTimeout(
                    f"{' '.join(argv)}: markers {list(markers)} not shown within "
                    f"{timeout:.0f} s; the screen ended with:\n{tail}"
                )
            limit = deadline if found_at is None else found_at + settle
            ready, _, _ = select.select([fd], [], [], max(0.0, limit - now))
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the pty (it exited)
                chunk = b""
            if not chunk:
                tail = strip_ansi("".join(raw))[-2000:]
                raise ScreenTimeout(
                    f"{' '.join(argv)}: exited before markers {list(markers)} showed; "
                    f"its screen ended with:\n{tail}"
                )
            raw.append(decoder.decode(chunk))
            if found_at is None:
                text = strip_ansi("".join(raw))
                if all(marker in text for marker in markers):
                    found_at = time.perf_counter()
    finally:
        status, rusage = _end(pid, fd)
    assert found_at is not None
    return ScreenResult(
        seconds=found_at - start,
        max_rss_mib=rusage.ru_maxrss / 1024,  # Linux reports KiB
        text=strip_ansi("".join(raw)),
        exit_status=status,
    )


def _end(pid: int, fd: int) -> tuple[int, os.struct_rusage]:
    """SIGTERM to the child's process group, SIGKILL after 3 s; reap it with its rusage."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 3.0
    while True:
        # Keep draining so that a child writing its last frame is never stuck on a full pty.
        with contextlib.suppress(OSError):
            if select.select([fd], [], [], 0.05)[0]:
                os.read(fd, 65536)
        waited, status, rusage = os.wait4(pid, os.WNOHANG)
        if waited == pid:
            os.close(fd)
            return status, rusage
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            deadline = time.monotonic() + 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Show what a terminal program first paints.")
    parser.add_argument("--marker", action="append", default=[])
    parser.add_argument("--wait", type=float, default=3.0, help="seconds to watch (no marker)")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args(argv)
    markers = args.marker or ["\x00never"]
    try:
        result = first_screen(args.command, markers, timeout=args.wait if not args.marker else 60)
    except ScreenTimeout as error:
        print(error)
        return 1
    print(result.text)
    print(f"--- {result.seconds * 1000:.0f} ms, peak RSS {result.max_rss_mib:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
