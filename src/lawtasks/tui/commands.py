"""Every main-screen action in the command palette, with namespaced titles."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from lawtasks.i18n import t
from lawtasks.tui.screens.main import MainScreen

# (message key of the title, action on the main screen)
ACTIONS = (
    ("tui.cmd.toggle", "toggle_done"),
    ("tui.cmd.status", "choose_status"),
    ("tui.cmd.plus", "progress(1)"),
    ("tui.cmd.minus", "progress(-1)"),
    ("tui.cmd.progress", "set_progress"),
    ("tui.cmd.note", "note"),
    ("tui.cmd.unit", "set_unit"),
    ("tui.cmd.due", "set_due"),
    ("tui.cmd.target", "set_target"),
    ("tui.cmd.export", "export"),
    ("tui.cmd.dashboard", "dashboard"),
    ("tui.cmd.search", "search"),
    ("tui.cmd.filter", "filter"),
    ("tui.cmd.clear", "clear_filter"),
    ("tui.cmd.apply", "apply_return"),
    ("tui.cmd.attach", "attach"),
    ("tui.cmd.signoff", "sign_off"),
    ("tui.cmd.reject", "reject"),
    ("tui.cmd.round", "round_status"),
    ("tui.cmd.undo", "undo"),
    ("tui.cmd.reload", "reload"),
    ("tui.cmd.plans", "open_plan"),
    ("tui.cmd.import", "import_plan"),
    ("tui.cmd.help", "help"),
)


class LedgerCommands(Provider):
    def _run(self, action: str) -> None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                self.app.call_later(screen.run_action, action)
                return

    async def discover(self) -> Hits:
        for key, action in ACTIONS:
            yield DiscoveryHit(t(key), partial(self._run, action), help=t(f"{key}.help"))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for key, action in ACTIONS:
            title = t(key)
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self._run, action),
                    help=t(f"{key}.help"),
                )
