"""The plan picker: the plans this screen can open (active and archived), in a short list.

Opening another plan changes what this TUI shows and changes, never the ledger's plan in
use (`lawtasks plans use`), which every other command and TUI goes on using.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from lawtasks.i18n import t, tn
from lawtasks.reading import PlanEntry
from lawtasks.render import printable
from lawtasks.tui.i18n_bindings import translate_bindings


class PlanPicker(ModalScreen[str | None]):
    """Enter opens the highlighted plan, escape cancels; the plan open now is highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "tui.key.cancel")]

    def __init__(self, plans: Sequence[PlanEntry], open_plan: str | None) -> None:
        super().__init__()
        self.plans = list(plans)
        self.open_plan = open_plan
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        options = [Option(self._line(plan), id=plan.slug) for plan in self.plans]
        with Vertical(classes="dialog", id="plan-picker"):
            yield Label(Text(t("tui.plans.title")), classes="dialog-title")
            yield OptionList(*options, id="plan-list")
            yield Static(Text(t("tui.plans.hint")), classes="dialog-hint")

    def _line(self, plan: PlanEntry) -> Text:
        line = Text("▶ " if plan.slug == self.open_plan else "  ", style="bold")
        line.append(plan.slug, style="bold")
        line.append(f"  {plan.year}  ")
        line.append(tn("count.items", plan.items))
        if plan.state != "active":
            line.append(f"  {t(f'value.plan_{plan.state}')}", style="dim")
        if plan.in_use:
            line.append(f"  {t('tui.plans.in_use')}", style="italic")
        line.append(f"\n    {printable(plan.title)}", style="dim")
        return line

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        for index, plan in enumerate(self.plans):
            if plan.slug == self.open_plan:
                options.highlighted = index

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
