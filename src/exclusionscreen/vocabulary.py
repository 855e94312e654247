"""The words the screen speaks: statuses, actions, bases, ways a flag arises, issuer types."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "CATEGORIES",
    "DEFAULT_SUPPLY_CATEGORY",
    "INVOLVEMENT_TYPES",
    "SUPPLY_CATEGORIES",
    "Action",
    "Basis",
    "Evidence",
    "IssuerType",
    "Status",
    "UnknownShare",
    "Via",
]

#: involvement categories: one per family of product-based (and norms-based) criteria
CATEGORIES = (
    "cluster_munitions",
    "anti_personnel_mines",
    "biological_weapons",
    "chemical_weapons",
    "nuclear_weapons",
    "depleted_uranium",
    "incendiary_weapons",
    "blinding_lasers",
    "non_detectable_fragments",
    "cyber_surveillance",
    "autonomous_weapons",
    "abusive_law_enforcement_equipment",
    "private_military_services",
    "conventional_weapons",
    "norms_breach",
)
#: how a company is involved in a category
INVOLVEMENT_TYPES = (
    "development",
    "production",
    "key_components",
    "dual_use_components",
    "delivery_systems",
    "stockpiling",
    "sale",
    "maintenance",
    "services",
    "arms_revenue",
    "breach",
)
#: what a country-exposure row says was supplied to the recipient state (its ``category`` column)
SUPPLY_CATEGORIES = (
    "arms",  # weapons, munitions and military materiel (the EU Common Military List)
    "cyber_surveillance",  # cyber-surveillance items, Art. 2(20) of Regulation (EU) 2021/821
    "law_enforcement_equipment",  # goods for law enforcement, as controlled by Regulation (EU) 2019/125
    "dual_use",  # other dual-use items (Annex I to Regulation (EU) 2021/821)
    "military_services",  # military or security services (training, maintenance, operations)
)
#: the category of a country-exposure row that has none: rows written before the column existed
#: record arms deliveries (the SIPRI trade register), and a criterion that names none covers arms
DEFAULT_SUPPLY_CATEGORY = "arms"


class Status(StrEnum):
    """The outcome for one holding."""

    EXCLUDED = "excluded"
    WATCH = "watch"
    CLEAR = "clear"
    UNRESOLVED = "unresolved"
    NOT_APPLICABLE = "not_applicable"

    def __repr__(self) -> str:
        return f"Status.{self.name}"


class Action(StrEnum):
    """What a criterion asks for when it is hit."""

    EXCLUDE = "exclude"
    WATCH = "watch"

    def __repr__(self) -> str:
        return f"Action.{self.name}"


class UnknownShare(StrEnum):
    """What an evidence row whose revenue share is unknown gives under a revenue threshold, from the
    loosest to the strictest: a review item (no flag), a watch flag, an exclude flag."""

    REVIEW = "review"
    WATCH = "watch"
    EXCLUDE = "exclude"

    @property
    def rank(self) -> int:
        """0 for review, 1 for watch, 2 for exclude: a policy may only raise it."""
        return list(UnknownShare).index(self)

    def __repr__(self) -> str:
        return f"UnknownShare.{self.name}"


class Basis(StrEnum):
    """Whether a criterion judges what a company makes or how it (or a state) behaves."""

    PRODUCT = "product"
    CONDUCT = "conduct"

    def __repr__(self) -> str:
        return f"Basis.{self.name}"


class Evidence(StrEnum):
    """Which reference data a criterion reads."""

    INVOLVEMENT = "involvement"
    COUNTRY_EXPOSURE = "country_exposure"
    SOVEREIGN = "sovereign"
    ENTITY_LIST = "entity_list"

    def __repr__(self) -> str:
        return f"Evidence.{self.name}"


class Via(StrEnum):
    """How a flag reached the holding's issuer."""

    DIRECT = "direct"
    PARENT = "parent"
    SUBSIDIARY = "subsidiary"
    LIST = "list"
    COUNTRY_EXPOSURE = "country_exposure"
    SOVEREIGN = "sovereign"

    def __repr__(self) -> str:
        return f"Via.{self.name}"


class IssuerType(StrEnum):
    """The kind of issuer."""

    CORPORATE = "corporate"
    SOVEREIGN = "sovereign"
    FUND = "fund"
    OTHER = "other"

    def __repr__(self) -> str:
        return f"IssuerType.{self.name}"
