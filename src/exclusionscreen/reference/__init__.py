"""Reference data from public sources: bundled country and entity lists, SIPRI readers, research lists.

The bundled lists are built by ``scripts/build_reference_lists.py`` from public files and carry
their source and date on every row; ``list_sources()`` says how old each list is. SIPRI data is
never bundled: ``read_sipri_top100`` and ``read_sipri_trade_register`` read the user's own
downloads. ``read_research_list`` reads a user's own findings from the shipped CSV template.
"""

from ._bundled import (
    ReferenceDataWarning,
    bundled_country_lists,
    bundled_entity_lists,
    editions_in_force,
    list_editions,
    list_sources,
    lists_valid_on,
    stale_lists,
    warn_stale_lists,
)
from ._check import PROBLEM_COLUMNS, assert_lists_valid, check_lists
from ._countries import sipri_country_codes
from ._known_names import known_names, known_names_for
from ._research import (
    CATEGORIES,
    INVOLVEMENT_TYPES,
    read_research_list,
    research_list_template,
)
from ._sipri import deliveries_to_exposure, read_sipri_top100, read_sipri_trade_register

__all__ = [
    "CATEGORIES",
    "PROBLEM_COLUMNS",
    "INVOLVEMENT_TYPES",
    "ReferenceDataWarning",
    "assert_lists_valid",
    "bundled_country_lists",
    "bundled_entity_lists",
    "check_lists",
    "deliveries_to_exposure",
    "editions_in_force",
    "known_names",
    "known_names_for",
    "list_editions",
    "list_sources",
    "lists_valid_on",
    "read_research_list",
    "read_sipri_top100",
    "read_sipri_trade_register",
    "research_list_template",
    "sipri_country_codes",
    "stale_lists",
    "warn_stale_lists",
]
