"""Toasts that keep their Chinese whole where they lie over the tree's border.

Textual's compositor cuts every line of the screen wherever a widget starts or ends, then
fills each piece from the topmost widget there. A toast lying over the border between the
tree and the detail pane is cut at that border too, and a wide character straddling the
cut is split by rich into two spaces: 已修改 1.2 showed as 已修   1.2. (Textual issue
#6357, open as of Textual 8.2.)

Here a line is not cut inside a toast: nothing lies above a toast, so the cuts of the
widgets under it decide nothing there. The pieces of those widgets that a cut no longer
bounds are left out: the toast covers them. And a change under a toast repaints the
toast's lines whole, since the terminal is written span by span and a span ending inside
the toast would split the character there just the same.

Textual's private compositor is extended, not copied. A Textual whose compositor lacks the
parts used here keeps its own (`_compatible`), so an upgrade cannot break the screen, and
`tests/test_tui_layout.py` checks a toast on screen, so such an upgrade fails the suite.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets._toast import Toast


class WholeToastCompositor(Compositor):
    @property
    def cuts(self) -> list[list[int]]:
        if self._cuts is None:
            cuts = super().cuts  # computes and keeps Textual's own
            self._cuts = self._without_cuts_under_toasts(cuts)
        return self._cuts

    def _toasts(self) -> list[Region]:
        return [
            region.intersection(clip)
            for widget, (region, clip) in self.visible_widgets.items()
            if isinstance(widget, Toast)
        ]

    def render_partial_update(self) -> ChopsUpdate | None:
        # An update of the tree under a toast would be cut at the tree's edge, inside the
        # toast, and so split a wide character again: the toast's lines are updated whole.
        if self._dirty_regions:
            dirty = list(self._dirty_regions)
            self._dirty_regions.update(
                toast for toast in self._toasts() if any(toast.overlaps(r) for r in dirty)
            )
        return super().render_partial_update()

    def _without_cuts_under_toasts(self, cuts: list[list[int]]) -> list[list[int]]:
        toasts = self._toasts()
        if not toasts:
            return cuts
        # Tooltips lie above toasts: their edges stay.
        above = [
            region.intersection(clip)
            for widget, (region, clip) in self.visible_widgets.items()
            if widget.styles.layer == "_tooltips"
        ]
        cuts = [list(line) for line in cuts]
        for toast in toasts:
            for y in toast.line_range:
                keep = {edge for r in above if y in r.line_range for edge in (r.x, r.right)}
                cuts[y] = [cut for cut in cuts[y] if not toast.x < cut < toast.right or cut in keep]
        return cuts

    def _render_chops(
        self, crop: Region, is_rendered_line: Callable[[int], bool]
    ) -> Sequence[Mapping[int, Strip]]:
        """Textual's, for lines whose cuts need not fall on every widget's edges."""
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(line[:-1]) for line in cuts]
        for region, clip, strips in self._get_renders(crop):
            render_region = region.intersection(clip)
            render_x = render_region.x
            first_cut, last_cut = render_region.column_span
            for y, strip in zip(render_region.line_range, strips, strict=False):
                if not is_rendered_line(y):
                    continue
                line = chops[y]
                inside = [cut for cut in cuts[y] if first_cut <= cut <= last_cut]
                # A widget edge that is no longer a cut lies under a toast: the piece it
                # bounded is the toast's, and this widget's is dropped.
                starts_on_cut = bool(inside) and inside[0] == first_cut
                ends_on_cut = bool(inside) and inside[-1] == last_cut
                edges = ([] if starts_on_cut else [first_cut]) + inside
                edges += [] if ends_on_cut else [last_cut]
                pieces = strip.divide([edge - render_x for edge in edges[1:]])
                for index, (cut, piece) in enumerate(zip(edges, pieces, strict=False)):
                    if index == 0 and not starts_on_cut:
                        continue
                    if index == len(edges) - 2 and not ends_on_cut:
                        continue
                    if line.get(cut) is None:
                        line[cut] = piece
        return cast("Sequence[Mapping[int, Strip]]", chops)


def _compatible() -> bool:
    """Whether this Textual's compositor has the private parts the subclass builds on, with
    the shapes it expects: a Textual that changed them keeps its own compositor (and its
    split toasts) rather than failing on the officer's screen."""
    try:
        chops = inspect.signature(Compositor._render_chops)
        partial = inspect.signature(Compositor.render_partial_update)
    except (AttributeError, TypeError, ValueError):
        return False
    probe = Compositor()
    return (
        list(chops.parameters) == ["self", "crop", "is_rendered_line"]
        and list(partial.parameters) == ["self"]
        and isinstance(getattr(Compositor, "cuts", None), property)
        and all(hasattr(probe, name) for name in ("_cuts", "_dirty_regions", "visible_widgets"))
        and callable(getattr(probe, "_get_renders", None))
    )


def keep_wide_characters(screen: Screen[Any]) -> None:
    """Compose `screen` with WholeToastCompositor, where this Textual allows; call before
    it is first shown."""
    if _compatible():
        screen._compositor = WholeToastCompositor()
