"""The vocabulary of the ledger: statuses, warning colours, IDs and value checks.

Pure and light (stdlib only), so that every layer, including a lean read path, can share
one definition of what a valid value is.
"""

from __future__ import annotations

import getpass
import itertools
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from lawtasks.errors import DomainError
from lawtasks.i18n import labelled, t

# Words officers use for the four statuses besides their labels, in supervision notices
# (办结, 正在办理) and in their own sheets (完成, 推进中, 未启动, 暂停).
_STATUS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "not_started": ("未启动", "尚未启动", "未开展"),
    "in_progress": ("推进中", "在办", "正在办理", "办理中", "正在推进"),
    "done": ("完成", "办结", "已办结", "已完成销号"),
    "blocked": ("暂停", "停滞", "受阻中"),
}


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"

    @property
    def label(self) -> str:
        return t(f"status.{self.value}")

    @property
    def words(self) -> tuple[str, ...]:
        """The Chinese words officers write for this status: its label, then synonyms."""
        return (t(f"status.{self.value}", lang="zh"), *_STATUS_SYNONYMS[self.value])

    @classmethod
    def parse(cls, value: str) -> Status:
        """Accept the English code, a hyphenated or spaced variant, either label, or a word
        officers use for it (完成, 办结, 推进中, 在办, 未启动, 暂停…)."""
        text = unicodedata.normalize("NFKC", value).strip()
        key = text.lower().replace("-", "_").replace(" ", "_")
        for status in cls:
            if key == status.value or text in (
                *status.words,
                t(f"status.{status.value}", lang="en"),
            ):
                return status
        valid = "; ".join(f"{'、'.join(status.words)} ({status.value})" for status in cls)
        raise DomainError("error.status", value=value, valid=valid)


class Warning(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def label(self) -> str:
        return t(f"warning.{self.value}")

    @classmethod
    def parse(cls, value: str) -> Warning:
        key = value.strip().lower()
        for warning in cls:
            if key in (warning.value, t(f"warning.{warning.value}", lang="zh")):
                return warning
        raise DomainError("error.warning", value=value)


# How close a due date must be to turn an item yellow.
YELLOW_DAYS = 7
# How many percentage points progress may lag the share of an item's time gone by before
# the item turns yellow (序时进度), unless its plan sets another tolerance. Ten points is
# about five weeks of a year-long item: untouched items stay green through January and
# turn yellow in early February, as a supervision office would start asking.
DEFAULT_TOLERANCE = 10
# The day of the month a reporting round's returns are due unless the plan says otherwise
# (supervision notices: 每月25日前报送).
DEFAULT_ROUND_DAY = 25
# The largest evidence file a plan stores unless it sets another limit: 20 MB.
DEFAULT_EVIDENCE_LIMIT = 20 * 1024 * 1024


# The field of the events that attach evidence to an item (services.supervision); here, not
# in audit, because the TUI's first screen reads it and must not load the ORM audit loads.
EVIDENCE_FIELD = "evidence"

# -- values in the audit trail -----------------------------------------------------------------
# An event keeps a field's old and new value as text. These two functions are the one
# spelling of that text: the services write with `trail_text`, and undo, verify and the
# ledger as it stood (history) read back with `trail_value`.

# Columns whose trail text reads back as something other than text.
_TRAIL_NUMBERS = frozenset({"progress", "tolerance", "evidence_limit"})
_TRAIL_DAYS = frozenset({"due", "end_date"})
_TRAIL_TIMES = frozenset({"signed_off_at"})
_TRAIL_SWITCHES = frozenset({"signoff", "coordinator"})


def trail_text(value: object) -> str | None:
    """A column's value as the audit trail writes it: a switch yes/no, a status its code, a
    day or a time ISO, a number as text; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return str(value)


def trail_value(field: str, text: str | None) -> object:
    """The trail's text of `field` back in its column's type (the inverse of trail_text)."""
    if text is None:
        return None
    if field in _TRAIL_NUMBERS:
        return int(text)
    if field in _TRAIL_DAYS:
        return date.fromisoformat(text)
    if field in _TRAIL_TIMES:
        return datetime.fromisoformat(text)
    if field in _TRAIL_SWITCHES:
        return text == "yes"
    return text


def file_size(size: int) -> str:
    """A file's size as people read it: 512 B, 12.3 KB, 4.0 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def unit_key(unit: str) -> str:
    """A lead unit's name as it is compared: full-width forms folded (NFKC) and spaces
    dropped, so that 县司法局 and ＂县司法局 ＂ typed on another machine are one unit, while
    县司法局 and 县司法局法律援助中心 stay two."""
    return "".join(unicodedata.normalize("NFKC", unit).split())


def period_end(year: int, end_date: date | None) -> date:
    """When a plan's period ends: its own end date, else 31 December of its year."""
    return end_date or date(year, 12, 31)


class PlanState(StrEnum):
    """Whether commands choose a plan by default (active), only by name (archived), or not
    at all (removed: its rows stay, since the trail refers to them)."""

    ACTIVE = "active"
    ARCHIVED = "archived"
    REMOVED = "removed"


PROGRESS_STEP = 10
NOTE_LIMIT = 100_000  # characters; a note is a paragraph or a page, not a file
FIELD_LIMIT = 500  # lead unit, target and the like are one line


@dataclass(frozen=True, order=True)
class TaskRef:
    task: int

    def __str__(self) -> str:
        return str(self.task)


@dataclass(frozen=True, order=True)
class ItemRef:
    task: int
    item: int

    def __str__(self) -> str:
        return f"{self.task}.{self.item}"


Ref = TaskRef | ItemRef

_REF = re.compile(r"(?P<task>[1-9][0-9]{0,5})(?:\.(?P<item>[1-9][0-9]{0,5}))?")


def parse_ref(value: str) -> Ref:
    """`2` is a task, `2.3` is item 3 of task 2; anything else is an error naming both forms."""
    match = _REF.fullmatch(value.strip())
    if match is None:
        raise DomainError("error.id", value=value)
    task = int(match["task"])
    return TaskRef(task) if match["item"] is None else ItemRef(task, int(match["item"]))


def parse_progress(value: str | int) -> int:
    """An integer from 0 to 100; `50.5`, `abc` and `101` are refused, `50%` is accepted."""
    if isinstance(value, bool):
        raise DomainError("error.progress", value=value)
    if isinstance(value, int):
        number = value
    else:
        text = unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()
        if not re.fullmatch(r"[+]?[0-9]{1,3}", text):
            raise DomainError("error.progress", value=value)
        number = int(text)
    if not 0 <= number <= 100:
        raise DomainError("error.progress", value=value)
    return number


def check_status_progress(status: Status, progress: int) -> None:
    """Done means progress 100, progress 100 means done, and not started means 0."""
    if status is Status.NOT_STARTED and progress > 0:
        raise DomainError("error.not_started_progress", progress=progress)
    if (status is Status.DONE) != (progress == 100):
        raise DomainError("error.status_progress", status=status.label, progress=progress)


# The parts every progress report asks for (进展情况, 存在问题, 下一步措施), in the order
# they are written in a structured progress note.
REPORT_PARTS = ("done_so_far", "problems", "next_steps")


def progress_note(parts: dict[str, str]) -> str | None:
    """The parts of a progress report as one note, a labelled line each (进展情况：…, in
    English Done so far: …)."""
    lines = [labelled(t(f"label.{name}"), parts[name]) for name in REPORT_PARTS if parts.get(name)]
    return "\n".join(lines) or None


def report_parts(note: str | None) -> dict[str, str]:
    """The parts of a structured progress note, labelled in either language; {} otherwise."""
    if not note:
        return {}
    labels = {t(f"label.{name}", lang=lang): name for name in REPORT_PARTS for lang in ("zh", "en")}
    parts: dict[str, str] = {}
    for line in note.splitlines():
        # Either colon: notes written before the language's own (进展情况:…) read the same.
        found = re.match(r"([^:：]+)[:：](.*)", line)
        if found and found[1].strip() in labels:
            parts[labels[found[1].strip()]] = found[2].strip()
    return parts


# C0 controls but tab and newline, DEL, and C1 controls: none belongs in a ledger entry, and
# NUL in particular is cut off or refused by some database drivers. One definition, used to
# refuse them (clean_text), to show them (render.printable) and to drop them (the parser).
CONTROL_CLASS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
CONTROL_CHARS = re.compile(f"[{CONTROL_CLASS}]")

# Characters that steer how text is laid out without being seen: the bidi embeddings,
# overrides and isolates and the direction marks. One of them can make a line read in an
# order other than the one it is stored in ("Trojan Source"), so no text takes them.
BIDI_CLASS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Invisible characters that are not format characters (category Cf) but look like nothing:
# the combining grapheme joiner and the Hangul fillers, favourites of look-alike names.
_BLANK_LETTERS = "\u034f\u115f\u1160\u3164\uffa0"
# The invisible characters a text can carry, for a regex: the zero-width ones, the bidi
# controls, the word joiner and invisible operators, BOM, and the above. clean_text checks
# every format character (Cf) besides; this class is for code that must be fast (the parser).
INVISIBLE_CLASS = f"\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff{BIDI_CLASS}{_BLANK_LETTERS}"
_BIDI = re.compile(f"[{BIDI_CLASS}]")


def _invisible(text: str) -> str | None:
    """The first character of `text` that takes up no visible place, if any."""
    if text.isascii():
        return None
    for char in text:
        if unicodedata.category(char) == "Cf" or char in _BLANK_LETTERS:
            return char
    return None


def clean_text(value: str, *, field: str, limit: int, multiline: bool = False) -> str:
    """Normalise a user's text: strip the edges, refuse control characters and overlong text.

    Escape sequences are refused rather than stored because ESC is a control character; a
    note is for people to read, and an ANSI sequence in it could only ever be noise or attack.

    A one-line value (a unit, a user, a person, a target) refuses every invisible character
    (zero-width spaces and joiners, bidi controls, BOM, any other format character): such a
    value names something, and "县司法局" with a zero-width space in it would be a second unit
    that looks exactly like the first. A note refuses the bidi controls only, which could make
    it read otherwise than it is stored; zero-width characters come with text pasted from
    WeChat or Word (and joiners make emoji), and a note is read, never matched on.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not multiline:
        text = " ".join(text.split())
    if CONTROL_CHARS.search(text):
        raise DomainError("error.control_chars", field=t(f"field.{field}"))
    if multiline:
        match = _BIDI.search(text)
        hidden = match.group() if match else None
    else:
        hidden = _invisible(text)
    if hidden is not None:
        raise DomainError(
            "error.invisible_char",
            field=t(f"field.{field}"),
            code=f"U+{ord(hidden):04X}",
            name=unicodedata.name(hidden, "?"),
        )
    if len(text) > limit:
        key = "error.note_too_long" if field == "note" else "error.text_too_long"
        raise DomainError(key, field=t(f"field.{field}"), length=len(text), limit=limit)
    return text


# A milestone as the rules read it (每季度的形象进度): the day and the progress expected
# by then; None for a text milestone (6月底前完成方案), which names a step, not a figure.
MilestoneMark = tuple[date, int | None]


def expected_progress(
    *, start: date, due: date, today: date, milestones: Sequence[MilestoneMark] = ()
) -> float:
    """The progress an item should have reached on `today` (序时进度), in percent.

    Interpolated linearly between the points around `today`: the plan's start at 0 %, each
    milestone with a progress figure at its date (those between the start and the due date),
    and 100 % at the due date. Without milestones this is the share of the time gone by.
    """
    if today <= start:
        return 0.0
    if today >= due:
        return 100.0
    inner = sorted((day, figure) for day, figure in milestones if figure is not None)
    points = [(start, 0), *((day, figure) for day, figure in inner if start < day < due)]
    points.append((due, 100))
    for (left, low), (right, high) in itertools.pairwise(points):
        if left <= today <= right:
            return low + (high - low) * (today - left).days / (right - left).days
    return 100.0  # not reached: the points cover start..due


def warning_for(
    *,
    status: Status,
    progress: int,
    due: date | None,
    start: date,
    today: date,
    tolerance: int = DEFAULT_TOLERANCE,
    milestones: Sequence[MilestoneMark] = (),
) -> Warning:
    """The 红黄绿灯 colour of an item on `today`.

    Red: overdue (past the end of its due day) and not done. Yellow: due within
    YELLOW_DAYS; or a milestone missed (its day passed, progress below its figure); or
    behind schedule (落后于序时进度): progress more than `tolerance` percentage points
    below `expected_progress`, which follows the item's milestones where it has them and
    the share of its time gone by otherwise. Green otherwise, and always once done.
    """
    if status is Status.DONE or due is None:
        return Warning.GREEN
    if due < today:
        return Warning.RED
    if (due - today).days <= YELLOW_DAYS:
        return Warning.YELLOW
    if any(figure is not None and day < today and progress < figure
           for day, figure in milestones):  # fmt: skip
        return Warning.YELLOW
    if due > start and today > start:
        expected = expected_progress(start=start, due=due, today=today, milestones=milestones)
        if progress < expected - tolerance:
            return Warning.YELLOW
    return Warning.GREEN


def default_actor() -> str:
    """--user is passed in by the front end; then LAWTASKS_USER, then the OS login name."""
    explicit = os.environ.get("LAWTASKS_USER", "").strip()
    if explicit:
        return explicit
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a bare container
        return "unknown"


# A plan's slug names it on the command line and in file names: lower-case letters, digits
# and hyphens, valid in a file name on every system officers use.
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def check_slug(slug: str) -> str:
    """`slug` if it is a valid plan slug; else an error naming it and what is valid."""
    if not _SLUG.fullmatch(slug):
        raise DomainError("error.slug", value=slug)
    return slug


_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> int | None:
    """1 to 99 as officers number things: 3, 三, 十, 十二, 二十, 二十一 (两 for 二); None for
    anything else. The one reading of Chinese numerals, for dates and for the parser."""
    if text.isdecimal():  # 12, or full-width １２
        return int(text)
    tens, ten, units = text.partition("十")
    if not ten:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    if (tens and tens not in _CN_DIGITS) or (units and units not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
