"""Benchmarks for lawtasks: start-up, reads, writes, the TUI's first screen and 10,000 items.

    /work/venv/bin/python benchmarks/run.py [--runs N] [--quick] [--json OUT] [--markdown]

Run it with the interpreter of the virtual environment lawtasks is installed in: its
`python -c pass` is the floor F, and its `lawtasks` script is what is measured. Everything
happens in a temporary directory: a seeded ledger (`lawtasks init`), a 10,000-item ledger
built through the service layer (generate.py), two returns files, and a tiny typer +
sqlmodel database. dooit, the comparison for the TUI, lives in benchmarks/.venv-dooit,
installed with pip on first use.

Each row runs once to warm up (and to check its output), then N times; a command that fails
stops the run with its stderr. Rows that change the ledger change it on every run, on their
own copy of the database. A row whose warm-up takes long runs fewer times (--budget), never
fewer than 3; the table says how many.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pty_screen import ScreenTimeout, first_screen

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOOIT_VENV = HERE / ".venv-dooit"
BIG_TASKS, BIG_ITEMS = 100, 100
COLUMNS, ROWS = 120, 40
# After the first screen, the TUI runs this long more before its peak memory is read.
SETTLE_SECONDS = 1.0
COMMAND_TIMEOUT = 600.0

Argv = list[str]


class BenchError(RuntimeError):
    """A command failed or printed something wrong: its numbers would mean nothing."""


# -- measurements ------------------------------------------------------------------------------


@dataclass
class Measurement:
    key: str
    what: str
    unit: str  # "ms" or "MiB"
    values: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)  # each run's peak RSS
    skipped: str | None = None  # why the row was not measured

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"key": self.key, "what": self.what, "unit": self.unit}
        if self.skipped:
            return data | {"skipped": self.skipped}
        return data | {
            "n": len(self.values),
            "median": round(self.median, 2),
            "min": round(min(self.values), 2),
            "max": round(max(self.values), 2),
            "stdev": round(statistics.stdev(self.values), 2) if len(self.values) > 1 else 0.0,
            "values": [round(v, 2) for v in self.values],
            "peak_rss_mib_median": round(statistics.median(self.rss_mib), 1)
            if self.rss_mib
            else None,
        }


Results = dict[str, Measurement]


@dataclass(frozen=True)
class Verdict:
    ratio: str  # what the goal compares, as shown in the table
    value: float | None  # the same as a number, for --json
    met: bool | None  # None: not evaluated (a row it compares with was skipped)


@dataclass(frozen=True)
class Goal:
    text: str
    judge: Callable[[Measurement, Results], Verdict]


def times(floor: str, limit: float, label: str) -> Goal:
    """The row's median at most `limit` times the median of the row `floor`."""

    def judge(row: Measurement, results: Results) -> Verdict:
        base = results.get(floor)
        if base is None or base.skipped:
            return Verdict("n/a", None, None)
        ratio = row.median / base.median
        return Verdict(f"{ratio:.1f}× {label}", ratio, ratio <= limit)

    return Goal(f"≤ {limit:g}× {label}", judge)


def faster_than(other: str, label: str) -> Goal:
    def judge(row: Measurement, results: Results) -> Verdict:
        base = results.get(other)
        if base is None or base.skipped:
            return Verdict(f"n/a ({label} skipped)", None, None)
        ratio = row.median / base.median
        return Verdict(f"{ratio:.2f}× {label}", ratio, ratio < 1)

    return Goal(f"< {label}", judge)


def at_most(limit: float, unit: str) -> Goal:
    def judge(row: Measurement, _results: Results) -> Verdict:
        return Verdict(f"{row.median / limit:.2f}× goal", row.median / limit, row.median <= limit)

    shown = f"{limit / 1000:g} s" if unit == "ms" else f"{limit:g} {unit}"
    return Goal(f"≤ {shown}", judge)


def beyond_startup(startup: str, limit_ms: float) -> Goal:
    """The row's median less the start-up row's median, at most `limit_ms`.

    A write's start-up is a one-item `set` on the seeded plan: what any write pays (the
    interpreter, the ORM and the service layer) before the size of the work counts.
    """

    def judge(row: Measurement, results: Results) -> Verdict:
        extra = row.median - results[startup].median
        return Verdict(f"+{extra:.0f} ms over start-up", extra, extra <= limit_ms)

    return Goal(f"≤ start-up + {limit_ms / 1000:g} s", judge)


# -- running commands --------------------------------------------------------------------------


def check_run(argv: Argv, env: dict[str, str], what: str) -> str:
    """Run once and return stdout; a non-zero exit stops the benchmark with its stderr."""
    try:
        done = subprocess.run(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BenchError(f"{what}: {' '.join(argv)}: {error}") from None
    if done.returncode != 0:
        raise BenchError(
            f"{what}: exit {done.returncode}: {' '.join(argv)}\n--- stderr:\n{done.stderr}"
            f"--- stdout (tail):\n{done.stdout[-2000:]}"
        )
    return done.stdout


def timed_run(argv: Argv, env: dict[str, str], stderr_path: Path, what: str) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one run, stdout to /dev/null as hyperfine does.

    posix_spawn and wait4 keep the harness's own cost out of the time, and wait4 gives the
    child's rusage.
    """
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, str(stderr_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        stderr = stderr_path.read_text(errors="replace")
        raise BenchError(f"{what}: exit {code}: {' '.join(argv)}\n--- stderr:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Bench:
    runs: int
    budget: float
    workdir: Path
    env: dict[str, str]
    results: Results = field(default_factory=dict)
    goals: dict[str, list[Goal]] = field(default_factory=dict)

    def planned_runs(self, warmup_seconds: float) -> int:
        if self.budget <= 0 or warmup_seconds * self.runs <= self.budget:
            return self.runs
        return max(3, min(self.runs, math.floor(self.budget / warmup_seconds)))

    def command(
        self,
        key: str,
        what: str,
        argv_for: Callable[[int], Argv],
        *,
        goals: Sequence[Goal] = (),
        env: dict[str, str] | None = None,
        check: Callable[[str], str | None] | None = None,
        after: Callable[[int], None] | None = None,
    ) -> Measurement:
        """Warm up with run 0 (its stdout checked by `check`, which returns a problem or
        None), then time runs 1..n; `after(last)` checks the end state."""
        env = env or self.env
        log(f"- {what}")
        start = time.perf_counter()
        out = check_run(argv_for(0), env, what)
        warmup = time.perf_counter() - start
        if check is not None and (problem := check(out)) is not None:
            raise BenchError(f"{what}: {' '.join(argv_for(0))}: {problem}")
        row = Measurement(key, what, "ms")
        stderr_path = self.workdir / "stderr.txt"
        n = self.planned_runs(warmup)
        for index in range(1, n + 1):
            seconds, rss = timed_run(argv_for(index), env, stderr_path, what)
            row.values.append(seconds * 1000)
            row.rss_mib.append(rss)
        if after is not None:
            after(n)
        log(f"  {row.median:9.1f} ms median of {n}")
        return self.add(row, goals)

    def screen(
        self,
        key: str,
        what: str,
        argv: Argv,
        markers: Sequence[str],
        *,
        goals: Sequence[Goal] = (),
        rss_key: str | None = None,
        rss_goals: Sequence[Goal] = (),
        env: dict[str, str] | None = None,
    ) -> Measurement:
        """Time to first screen on a pty; each run also settles and has its peak RSS read."""
        env = env or self.env
        log(f"- {what}")

        def once() -> tuple[float, float]:
            try:
                result = first_screen(
                    argv, markers, env=env, columns=COLUMNS, rows=ROWS, settle=SETTLE_SECONDS
                )
            except ScreenTimeout as error:
                raise BenchError(f"{what}: {error}") from None
            return result.seconds * 1000, result.max_rss_mib

        start = time.perf_counter()
        once()
        n = self.planned_runs(time.perf_counter() - start)
        row = Measurement(key, what, "ms")
        for _ in range(n):
            ms, rss = once()
            row.values.append(ms)
            row.rss_mib.append(rss)
        log(f"  {row.median:9.1f} ms median of {n}, peak RSS {statistics.median(row.rss_mib):.1f}")
        self.add(row, goals)
        if rss_key is not None:
            memory = Measurement(rss_key, f"{what}: peak RSS", "MiB", list(row.rss_mib))
            self.add(memory, rss_goals)
        return row

    def skip(self, key: str, what: str, reason: str) -> None:
        log(f"- {what}: SKIPPED ({reason})")
        self.add(Measurement(key, what, "ms", skipped=reason), ())

    def add(self, row: Measurement, goals: Sequence[Goal]) -> Measurement:
        self.results[row.key] = row
        self.goals[row.key] = list(goals)
        return row


# -- setup -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    lawtasks: str
    python: str
    seeded: Path
    big: Path
    floor_db: Path
    returns: tuple[Path, Path]  # all items to progress 30, and to 60
    returns_progress: tuple[int, int]
    dooit: str | None
    dooit_skip_reason: str | None


def base_env(home: Path) -> dict[str, str]:
    """A small, fixed environment: no LAWTASKS_* or terminal settings leak in from outside."""
    for sub in (".config", ".local/share", ".cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
        "LAWTASKS_LANG": "en",
        "LAWTASKS_USER": "bench",
    }


def copy_db(source: Path, target: Path) -> Path:
    """A private copy of a SQLite ledger, with its WAL if it has one."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{source}{suffix}")
        dst = Path(f"{target}{suffix}")
        dst.unlink(missing_ok=True)
        if src.exists():
            shutil.copy2(src, dst)
    return target


def write_returns(path: Path, progress: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("id,progress\n")
        for task in range(1, BIG_TASKS + 1):
            for item in range(1, BIG_ITEMS + 1):
                out.write(f"{task}.{item},{progress}\n")
    return path


def ensure_dooit(skip: bool) -> tuple[str | None, str | None]:
    """dooit's script in benchmarks/.venv-dooit, installing it on first use."""
    if skip:
        return None, "--no-dooit"
    exe = DOOIT_VENV / "bin" / "dooit"
    if exe.exists():
        return str(exe), None
    log(f"installing dooit into {DOOIT_VENV} ...")
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(DOOIT_VENV)], check=True, capture_output=True
        )
        subprocess.run(
            [str(DOOIT_VENV / "bin" / "pip"), "install", "-q", "dooit"],
            check=True,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
    except subprocess.CalledProcessError as error:
        reason = (error.stderr or "").strip().splitlines()[-1:] or [str(error)]
        log(f"dooit could not be installed, its row is skipped: {reason[0]}")
        return None, f"pip install dooit failed: {reason[0]}"
    except (OSError, subprocess.TimeoutExpired) as error:
        log(f"dooit could not be installed, its row is skipped: {error}")
        return None, f"pip install dooit failed: {error}"
    return (str(exe), None) if exe.exists() else (None, "no dooit script after install")


def prepare(workdir: Path, env: dict[str, str], lawtasks: str, no_dooit: bool) -> Setup:
    python = sys.executable
    log(f"setup in {workdir}")
    seeded = workdir / "seeded.db"
    out = check_run([lawtasks, "--db", str(seeded), "init"], env, "lawtasks init")
    log(f"  {out.strip().splitlines()[0]}")
    big = workdir / "big-10k.db"
    generate = [python, str(HERE / "generate.py"), str(big), "--tasks", str(BIG_TASKS)]
    out = check_run([*generate, "--items", str(BIG_ITEMS)], env, "generate.py")
    log(f"  {out.strip()}")
    floor_db = workdir / "floor.db"
    floor = [python, str(HERE / "floor_typer_sqlmodel.py"), str(floor_db), "--create"]
    check_run(floor, env, "floor_typer_sqlmodel.py --create")
    progress = (30, 60)
    returns = (
        write_returns(workdir / "returns-a.csv", progress[0]),
        write_returns(workdir / "returns-b.csv", progress[1]),
    )
    dooit, reason = ensure_dooit(no_dooit)
    return Setup(lawtasks, python, seeded, big, floor_db, returns, progress, dooit, reason)


# -- the rows ----------------------------------------------------------------------------------


def item_json(setup: Setup, db: Path, ref: str, env: dict[str, str]) -> dict[str, object]:
    out = check_run([setup.lawtasks, "--db", str(db), "show", ref, "--format", "json"], env, ref)
    item = json.loads(out)["item"]
    assert isinstance(item, dict)
    return item


def expect_progress(setup: Setup, db: Path, ref: str, env: dict[str, str], value: int) -> None:
    progress = item_json(setup, db, ref, env)["progress"]
    if progress != value:
        raise BenchError(f"{db.name}: {ref} has progress {progress} after the runs, not {value}")


def json_items(expected: int) -> Callable[[str], str | None]:
    def check(out: str) -> str | None:
        count = sum(len(task["items"]) for task in json.loads(out)["tasks"])
        return None if count == expected else f"listed {count} items, expected {expected}"

    return check


def contains(text: str) -> Callable[[str], str | None]:
    def check(out: str) -> str | None:
        return None if text in out else f"output lacks {text!r}:\n{out[-1000:]}"

    return check


def progress_value(index: int) -> int:
    """1, 2, ... 98, 1, ...: each run a real change, never 0 or 100 (which change status)."""
    return 1 + index % 98


def startup_rows(bench: Bench, setup: Setup) -> None:
    law, env = setup.lawtasks, bench.env
    bench.command("floor_python", "F: python -c pass", lambda _: [setup.python, "-c", "pass"])
    bench.command(
        "floor_typer",
        "floor: typer+sqlmodel lister, 18 rows",
        lambda _: [setup.python, str(HERE / "floor_typer_sqlmodel.py"), str(setup.floor_db)],
        check=lambda out: None if len(out.splitlines()) == 18 else f"printed:\n{out}",
    )
    f10 = [times("floor_python", 10, "F")]
    bench.command(
        "version", "lawtasks --version", lambda _: [law, "--version"], goals=f10,
        check=contains("lawtasks "),
    )  # fmt: skip
    bench.command(
        "help", "lawtasks --help", lambda _: [law, "--help"], goals=f10, check=contains("Usage")
    )
    completion_env = env | {
        "LAWTASKS_DB": str(setup.seeded),
        "_LAWTASKS_COMPLETE": "complete_bash",
        "COMP_WORDS": "lawtasks show 1.",
        "COMP_CWORD": "2",
    }

    def candidates(out: str) -> str | None:
        ids = out.split()
        log(f"  completion candidates for 'show 1.': {' '.join(ids)}")
        return None if ids and all(i.startswith("1.") for i in ids) else f"got {out!r}"

    bench.command(
        "complete", "completion of IDs (show 1.<TAB>)", lambda _: [law], goals=f10,
        env=completion_env, check=candidates,
    )  # fmt: skip


def seeded_rows(bench: Bench, setup: Setup) -> None:
    law, env = setup.lawtasks, bench.env
    db = str(setup.seeded)
    f15 = [times("floor_python", 15, "F")]
    bench.command(
        "list_json", "list --format json (18 items)",
        lambda _: [law, "--db", db, "list", "--format", "json"], goals=f15, check=json_items(18),
    )  # fmt: skip
    bench.command(
        "show", "show 1.1", lambda _: [law, "--db", db, "show", "1.1"], goals=f15,
        check=contains("1.1"),
    )  # fmt: skip
    bench.command(
        "summary", "summary", lambda _: [law, "--db", db, "summary"], goals=f15,
        check=contains("tonglu-2022"),
    )  # fmt: skip
    f30 = [times("floor_python", 30, "F")]
    set_db = copy_db(setup.seeded, bench.workdir / "set-one.db")
    bench.command(
        "set_one", "set 1.1 --progress N",
        lambda i: [law, "--db", str(set_db), "set", "1.1", "--progress", str(progress_value(i))],
        goals=f30, check=contains("1.1"),
        after=lambda last: expect_progress(setup, set_db, "1.1", env, progress_value(last)),
    )  # fmt: skip
    note_db = copy_db(setup.seeded, bench.workdir / "note.db")

    def noted(last: int) -> None:
        notes = item_json(setup, note_db, "1.1", env)["notes"]
        if f"bench note {last}" not in json.dumps(notes, ensure_ascii=False):
            raise BenchError(f"note.db: 1.1 lacks the last note after the runs: {notes}")

    bench.command(
        "note", 'note 1.1 "text"',
        lambda i: [law, "--db", str(note_db), "note", "1.1", f"bench note {i}"],
        goals=f30, check=contains("1.1"), after=noted,
    )  # fmt: skip


def tui_rows(bench: Bench, setup: Setup) -> None:
    bench.screen(
        "tui_floor", "floor: Textual app, 18-node tree",
        [setup.python, str(HERE / "floor_textual.py")], ["Item 1.1", "Item 6.3"],
        rss_key="tui_floor_rss",
    )  # fmt: skip
    if setup.dooit is None:
        bench.skip("dooit", "dooit first screen (empty)", setup.dooit_skip_reason or "")
    else:
        # Its own fresh HOME: the warm-up creates its (empty) database there.
        home = bench.workdir / "dooit-home"
        bench.screen(
            "dooit", "dooit first screen (empty)", [setup.dooit],
            ["Workspaces", "Welcome to Dooit!", "NORMAL"], env=base_env(home),
            rss_key="dooit_rss",
        )  # fmt: skip
    seeded = copy_db(setup.seeded, bench.workdir / "tui-18.db")
    # The tree's own labels: an item's ID followed by its status glyph, first and last row.
    bench.screen(
        "tui_18", "TUI first screen (18 items)", [setup.lawtasks, "--db", str(seeded)],
        ["1.1 ○", "6.4 ○"],
        goals=[times("tui_floor", 1.3, "Textual floor"), faster_than("dooit", "dooit")],
        rss_key="tui_18_rss",
    )  # fmt: skip
    big = copy_db(setup.big, bench.workdir / "tui-10k.db")
    # A plan this large opens with its tasks folded; the first screen is the tree of tasks
    # and the first task's detail: its warning row (whose colour depends on the day it is
    # run), and its items listed up to 1.10.
    bench.screen(
        "tui_10k", "TUI first screen (10,000 items)", [setup.lawtasks, "--db", str(big)],
        ["Warning ", "1.10  推进"], goals=[times("tui_18", 1.3, "TUI at 18")],
        rss_key="tui_10k_rss", rss_goals=[at_most(100, "MiB")],
    )  # fmt: skip


def big_rows(bench: Bench, setup: Setup) -> None:
    law, env = setup.lawtasks, bench.env
    total = BIG_TASKS * BIG_ITEMS
    last = f"{BIG_TASKS}.{BIG_ITEMS}"
    bench.command(
        "list_json_10k", "list --format json (10,000 items)",
        lambda _: [law, "--db", str(setup.big), "list", "--format", "json"],
        goals=[times("floor_python", 60, "F")], check=json_items(total),
    )  # fmt: skip
    tasks = [str(task) for task in range(1, BIG_TASKS + 1)]
    set_db = copy_db(setup.big, bench.workdir / "set-all.db")
    bench.command(
        "set_all", "set 1..100 --progress N (10,000 items)",
        lambda i: [law, "--db", str(set_db), "set", *tasks, "--progress", str(progress_value(i))],
        goals=[beyond_startup("set_one", 1000)], check=contains("changes made"),
        after=lambda n: expect_progress(setup, set_db, last, env, progress_value(n)),
    )  # fmt: skip
    apply_db = copy_db(setup.big, bench.workdir / "apply.db")
    bench.command(
        "apply", "apply returns.csv (10,000 rows)",
        # The rows carry no versions: a script that owns its values forces them.
        lambda i: [law, "--db", str(apply_db), "apply", str(setup.returns[i % 2]),
                   "--force", "all"],
        goals=[beyond_startup("set_one", 1000)], check=contains(f"{total}"),
        after=lambda n: expect_progress(setup, apply_db, last, env, setup.returns_progress[n % 2]),
    )  # fmt: skip
    export_db = copy_db(setup.big, bench.workdir / "export.db")
    xlsx = bench.workdir / "out.xlsx"
    bench.command(
        "export_xlsx", "export --format xlsx (10,000 items)",
        lambda _: [law, "--db", str(export_db), "export", "--format", "xlsx", "-o", str(xlsx)],
        goals=[at_most(3000, "ms")], check=contains("out.xlsx"),
    )  # fmt: skip


# -- report ------------------------------------------------------------------------------------

HEADERS = ("what", "goal", "n", "median", "min–max", "ratio", "met")


def table_rows(bench: Bench) -> list[tuple[str, ...]]:
    rows = []
    for key, row in bench.results.items():
        goals = bench.goals[key]
        goal_text = "; ".join(goal.text for goal in goals) or "—"
        if row.skipped:
            rows.append((row.what, goal_text, "0", "skipped", row.skipped, "", ""))
            continue
        verdicts = [goal.judge(row, bench.results) for goal in goals]
        mets = [v.met for v in verdicts]
        if not verdicts:
            met = ""
        elif None in mets:
            met = "?" if not any(m is False for m in mets) else "no"
        else:
            met = "yes" if all(mets) else "no"
        unit = f" {row.unit}"
        digits = 1 if row.unit == "MiB" or row.median < 100 else 0
        rows.append(
            (
                row.what,
                goal_text,
                str(len(row.values)),
                f"{row.median:.{digits}f}{unit}",
                f"{min(row.values):.{digits}f}–{max(row.values):.{digits}f}",
                "; ".join(v.ratio for v in verdicts) or "—",
                met,
            )
        )
    return rows


def render_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [HEADERS, *rows]) for i in range(len(HEADERS))]
    right = {2, 3, 4}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(HEADERS), rule, *(line(r) for r in rows)])


def render_markdown(rows: list[tuple[str, ...]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join("---" for _ in HEADERS) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine_facts(setup: Setup, env: dict[str, str]) -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass

    def output(argv: Argv) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
        except OSError:
            return "?"
        return done.stdout.strip() or "?"

    git = ["git", "-C", str(ROOT)]
    commit = output([*git, "rev-parse", "--short", "HEAD"])
    dirty = output([*git, "status", "--porcelain", "--untracked-files=no", "--", "src"])
    textual = output([setup.python, "-c", "import textual; print(textual.__version__)"])
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "lawtasks": output([setup.lawtasks, "--version"]),
        "commit": commit + (" (src/ modified)" if dirty not in ("", "?") else ""),
        "textual": textual,
        "dooit": output([setup.dooit, "--version"]) if setup.dooit else "not installed",
        "terminal": f"{COLUMNS}x{ROWS}",
    }


def typer_floor_note(bench: Bench) -> str:
    floor = bench.results["floor_typer"].median
    parts = [
        f"{bench.results[key].what} {bench.results[key].median / floor:.1f}×"
        for key in ("version", "list_json", "show", "summary")
        if key in bench.results
    ]
    return f"Against the typer+sqlmodel floor ({floor:.0f} ms): " + ", ".join(parts)


def report(bench: Bench, setup: Setup, args: argparse.Namespace) -> None:
    facts = machine_facts(setup, bench.env)
    rows = table_rows(bench)
    print()
    print(" · ".join(f"{k}: {v}" for k, v in facts.items()))
    print(f"runs: {bench.runs} after 1 warm-up (budget {bench.budget:g} s a row)")
    print()
    print(render_markdown(rows) if args.markdown else render_table(rows))
    print()
    print(typer_floor_note(bench))
    if args.json:
        entries = []
        for key, row in bench.results.items():
            entry = row.as_dict()
            entry["goals"] = [
                {"goal": g.text} | vars(g.judge(row, bench.results))
                for g in bench.goals[key]
                if not row.skipped
            ]
            entries.append(entry)
        data = {"machine": facts, "runs": bench.runs, "budget_seconds": bench.budget}
        data["rows"] = entries
        Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        log(f"wrote {args.json}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="timed runs per row (default 10, --quick 3)")
    parser.add_argument("--quick", action="store_true", help="3 runs a row")
    parser.add_argument("--json", metavar="OUT", help="write every number to this file")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument(
        "--budget", type=float, default=120.0,
        help="seconds a row may take; a slow row runs fewer times, at least 3 (0: no limit)",
    )  # fmt: skip
    parser.add_argument("--lawtasks", help="the lawtasks script (default: beside this python)")
    parser.add_argument("--no-dooit", action="store_true", help="skip the dooit comparison")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 10)
    lawtasks = args.lawtasks or str(Path(sys.executable).parent / "lawtasks")
    if not Path(lawtasks).exists():
        parser.error(f"{lawtasks} not found: run this with the python of lawtasks' venv")
    workdir = Path(tempfile.mkdtemp(prefix="lawtasks-bench-"))
    try:
        env = base_env(workdir / "home")
        setup = prepare(workdir, env, lawtasks, args.no_dooit)
        bench = Bench(runs, args.budget, workdir, env)
        startup_rows(bench, setup)
        seeded_rows(bench, setup)
        tui_rows(bench, setup)
        big_rows(bench, setup)
        report(bench, setup, args)
    except BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
