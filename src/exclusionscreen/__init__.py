"""exclusionscreen: screen portfolio holdings against weapons-related exclusion criteria.

Read holdings files as custodians and fund issuers publish them, resolve each position to its
issuer, apply product-based criteria (controversial weapons, surveillance technology, autonomous
weapons, abusive law-enforcement equipment, private military services, conventional weapons) and
conduct-based criteria (arms sales to rights-violating regimes, sovereign issuers under embargo,
official lists of military companies), and write the quarterly Excel exclusion report.
"""

from importlib.metadata import PackageNotFoundError, version

from . import accessor as _accessor  # noqa: F401  (registers DataFrame.exclusions)
from ._resources import sample_dir
from .contracts import (
    CountryExposure,
    CountryLists,
    EntityLists,
    Flags,
    FundFlags,
    Holdings,
    Involvement,
    Issuers,
    OwnershipLinks,
    ScreenedHoldings,
    Securities,
    validate,
)
from .criteria_doc import render_criteria_markdown
from .errors import (
    ArgumentError,
    ColumnMappingError,
    ContractError,
    ExclusionScreenError,
    InputFileError,
    LookThroughError,
    OverrideError,
    ReportError,
    RuleFileError,
)
from .holdings import FileReport, LoadReport, LoadResult, ReadLimits, load_holdings, load_report
from .identifiers import normalise_identifiers
from .lookthrough import Funds, load_funds
from .reference import (
    ReferenceDataWarning,
    bundled_country_lists,
    bundled_entity_lists,
    deliveries_to_exposure,
    known_names,
    known_names_for,
    list_sources,
    lists_valid_on,
    read_research_list,
    read_sipri_top100,
    read_sipri_trade_register,
)
from .result import ScreenResult, pai14_average
from .rulefiles import (
    load_catalogue,
    load_criterion,
    load_policy,
    shipped_criteria,
    shipped_policies,
    validate_rule_files,
)
from .rules import Criterion, Ownership, Policy, Reference
from .screen import screen
from .universe import Universe, load_universe
from .vocabulary import Action, Basis, Evidence, IssuerType, Status, Via

try:
    __version__ = version("exclusionscreen")
except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
    __version__ = "0.0.0"

__all__ = [
    "Action",
    "ArgumentError",
    "Basis",
    "ColumnMappingError",
    "ContractError",
    "CountryExposure",
    "CountryLists",
    "Criterion",
    "EntityLists",
    "Evidence",
    "ExclusionScreenError",
    "FileReport",
    "Flags",
    "FundFlags",
    "Funds",
    "Holdings",
    "InputFileError",
    "Involvement",
    "IssuerType",
    "Issuers",
    "LoadReport",
    "LookThroughError",
    "LoadResult",
    "OverrideError",
    "Ownership",
    "OwnershipLinks",
    "Policy",
    "ReadLimits",
    "Reference",
    "ReportError",
    "ReferenceDataWarning",
    "RuleFileError",
    "ScreenResult",
    "ScreenedHoldings",
    "Securities",
    "Status",
    "Universe",
    "Via",
    "__version__",
    "bundled_country_lists",
    "bundled_entity_lists",
    "deliveries_to_exposure",
    "list_sources",
    "lists_valid_on",
    "load_catalogue",
    "load_criterion",
    "load_funds",
    "load_holdings",
    "load_policy",
    "load_report",
    "load_universe",
    "normalise_identifiers",
    "pai14_average",
    "read_research_list",
    "known_names",
    "known_names_for",
    "read_sipri_top100",
    "read_sipri_trade_register",
    "render_criteria_markdown",
    "sample_dir",
    "screen",
    "shipped_criteria",
    "shipped_policies",
    "validate",
    "validate_rule_files",
]
