"""Company names: normalisation and fuzzy matching.

Names are compared after normalisation (:mod:`._normalise`): upper case, accents folded to ASCII,
punctuation removed, ``&`` spelt AND, a leading THE dropped, share-class words (CLASS A, ORD, ADR, ...)
and legal-form words (INC, PLC, AG, SPA, ...) removed from the end.

Fuzzy matching (:mod:`._index`) scores distinct normalised names by token-sort ratio: candidates are
blocked on shared words, pairs that cannot reach the bar are dropped on exact upper bounds
(:mod:`._bounds`), and rapidfuzz scores the rest. A :class:`NameIndex` prepares the choices once for
several calls.
"""

from ._index import NameIndex, best_matches, issuer_name_index
from ._normalise import (
    CLASS_WORDS,
    issuer_name_table,
    leading_legal_form,
    legal_form_tails,
    legal_forms,
    name_suffixes,
    normalise_names,
)

__all__ = [
    "CLASS_WORDS",
    "NameIndex",
    "best_matches",
    "issuer_name_index",
    "issuer_name_table",
    "leading_legal_form",
    "legal_form_tails",
    "legal_forms",
    "name_suffixes",
    "normalise_names",
]
