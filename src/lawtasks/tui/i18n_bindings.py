"""Key hints in the user's language.

Bindings are declared on classes with message keys as descriptions; the language is only
known when the app starts, so each instance translates its own copy of the bindings.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from lawtasks.i18n import known, t
from lawtasks.tui.textual_words import word


def translate_bindings(node: DOMNode) -> None:
    bindings = node._bindings.key_to_bindings
    for key, entries in bindings.items():
        bindings[key] = [
            replace(
                binding,
                description=t(binding.description)
                if known(binding.description)
                else word(binding.description),
                tooltip=t(binding.tooltip) if known(binding.tooltip) else word(binding.tooltip),
            )
            for binding in entries
        ]
