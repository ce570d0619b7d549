"""Take the README's pictures of the terminal interface: the main screen
(docs/tui-main-zh.svg) and the dashboard (docs/tui-dashboard-zh.svg), in Chinese at 120×40.

    python tools/screenshots.py

The ledger is the dashboard snapshots' own (tests/test_tui_dashboard.py: the seeded plan
worked on over several days under a fixed clock, a reporting round open), built in a
temporary directory, so the pictures show what the snapshot tests check. Textual draws each
screen as SVG itself (App.save_screenshot), which a browser shows as it is, text and all.
A development tool: not run by the tests.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SIZE = (120, 40)


def main() -> int:
    # The times on screen are Beijing's, as in the snapshots.
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    sys.path.insert(0, str(ROOT))

    from tests.test_tui_dashboard import SEEDED, _work, dashboard_shown, make
    from tests.test_tui_snapshots import settle

    import lawtasks.services.base
    from lawtasks.db import make_engine
    from lawtasks.seed import seed

    with tempfile.TemporaryDirectory() as workdir:
        clock = [SEEDED]
        lawtasks.services.base.utcnow = lambda: clock[0]
        engine = make_engine(f"sqlite:///{Path(workdir) / 'ledger.db'}")
        seed(engine, actor="seeder")
        _work(engine, clock)
        app = make(engine, "zh")

        async def shoot() -> None:
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                await pilot.press("down")  # the first task's first item, in the detail pane
                await settle(pilot)
                app.save_screenshot("tui-main-zh.svg", path=str(DOCS))
                await pilot.press("g")
                await dashboard_shown(pilot)
                app.save_screenshot("tui-dashboard-zh.svg", path=str(DOCS))

        asyncio.run(shoot())
        engine.dispose()
    for name in ("tui-main-zh.svg", "tui-dashboard-zh.svg"):
        print(DOCS / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
