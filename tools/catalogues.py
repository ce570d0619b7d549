"""The message catalogues: compile them, check them, add a message.

    python tools/catalogues.py compile            every .po under src/lawtasks/locale -> .mo
    python tools/catalogues.py check              exit 1 if a .mo is not its .po compiled
    python tools/catalogues.py add AREA KEY ZH EN  a message in Chinese and English, compiled

The .po files are the source; the .mo files are committed beside them so that an installed
lawtasks reads its messages without Babel and without compiling anything at start-up.
Babel is a development dependency only (the [dev] extra).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "src" / "lawtasks" / "locale"


def po_files(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def read(po: Path) -> Catalog:
    with po.open("rb") as file:
        return read_po(file, locale=None, domain=po.stem)


def compiled(po: Path) -> bytes:
    """The .mo that `po` compiles to (deterministic: Babel sorts the messages)."""
    buffer = io.BytesIO()
    write_mo(buffer, read(po), use_fuzzy=False)
    return buffer.getvalue()


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po in po_files(locale_dir):
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written


def stale(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """The .mo files that are missing, out of date, or left without a .po."""
    wrong = [po.with_suffix(".mo") for po in po_files(locale_dir)]
    wrong = [
        mo for mo in wrong if not mo.exists() or mo.read_bytes() != compiled(mo.with_suffix(".po"))
    ]
    orphans = [
        mo for mo in locale_dir.glob("*/LC_MESSAGES/*.mo") if not mo.with_suffix(".po").exists()
    ]
    return wrong + orphans


def add(area: str, key: str, zh: str, en: str, locale_dir: Path = LOCALE_DIR) -> None:
    for lang, text in (("zh", zh), ("en", en)):
        po = locale_dir / lang / "LC_MESSAGES" / f"{area}.po"
        catalog = read(po)
        if key in catalog:
            raise SystemExit(f"{key} is already in {po}")
        catalog.add(key, text)
        with po.open("wb") as file:
            write_po(file, catalog, width=0, no_location=True)
    compile_all(locale_dir)


def main(argv: list[str]) -> int:
    match argv:
        case ["compile"]:
            for mo in compile_all():
                print(f"wrote {mo}")
            return 0
        case ["check"]:
            for mo in stale():
                print(f"{mo} does not match its .po: run python tools/catalogues.py compile")
            return 1 if stale() else 0
        case ["add", area, key, zh, en]:
            add(area, key, zh, en)
            return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
