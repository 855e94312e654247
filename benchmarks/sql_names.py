"""The engine's suffix rule as one regular expression, for the DuckDB reference of ``bench_screen.py``.

Built from the package's own vocabulary (:func:`exclusionscreen.names.name_suffixes` and the class words),
so the reference strips what the engine strips: any run of legal-form and share-class phrases, and of
a class word followed by one or two letters or digits, at the end of a name.
"""

from __future__ import annotations

import re

from exclusionscreen.names import CLASS_WORDS, name_suffixes


def suffix_pattern() -> re.Pattern:
    """The trailing legal-form and share-class words as one regular expression (anchored at the end)."""
    words = sorted((re.escape(s).replace(r"\ ", " ") for s in name_suffixes()), key=len, reverse=True)
    classes = "|".join(sorted(CLASS_WORDS))
    return re.compile(rf"(?:\s+(?:(?:{classes}) [A-Z0-9]{{1,2}}|{'|'.join(words)}))+$")
