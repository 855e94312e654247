"""Column names that fund issuers, custodians and administrators use, per canonical column.

Each canonical column lists its aliases by language, best first. Names are compared by
:func:`header_key`, which ignores case, accents, spacing, punctuation and parenthesised
annotations other than a percent sign ("Market Value (USD)" and "market value" are the same
name; "Weight (%)" keeps its percent sign). The canonical name itself is always an alias.

``identifier`` is a column whose values may be ISINs, CUSIPs, SEDOLs or LEIs (SPDR files call
their CUSIP column "Identifier"); its values are sorted into those columns by their shape.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ALIASES",
    "CANONICAL",
    "IDENTITY_COLUMNS",
    "LANGUAGE_NAMES",
    "NUMERIC_COLUMNS",
    "TEXT_COLUMNS",
    "AliasHit",
    "alias_index",
    "header_key",
    "header_language",
]

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "security_name": {
        "en": (
            "Name",
            "Security Name",
            "Security Description",
            "Description",
            "Holding",
            "Holding Name",
            "Security",
            "Instrument",
            "Instrument Name",
            "Company",
            "Company Name",
            "Issuer Name",
            "Issuer",
            "Asset Name",
        ),
        "de": (
            "Bezeichnung",
            "Wertpapier",
            "Wertpapiername",
            "Name des Wertpapiers",
            "Titel",
            "Emittent",
            "Unternehmen",
            "Instrumentname",
        ),
        "fr": ("Nom", "Libellé", "Titre", "Nom du titre", "Description du titre", "Émetteur", "Société"),
        "es": ("Nombre", "Descripción", "Título", "Nombre del valor", "Emisor", "Empresa"),
        "it": ("Nome", "Descrizione", "Titolo", "Denominazione", "Emittente", "Società"),
        "nl": ("Naam", "Omschrijving", "Effect", "Uitgevende instelling", "Onderneming"),
    },
    "ticker": {
        "en": (
            "Ticker",
            "Ticker Symbol",
            "Symbol",
            "Issuer Ticker",
            "Bloomberg Ticker",
            "Exchange Ticker",
            "Local Ticker",
        ),
        "de": ("Emittententicker", "Tickersymbol", "Kürzel", "Börsenkürzel"),
        "fr": ("Ticker de l'émetteur", "Symbole", "Code mnémonique", "Mnémonique"),
        "es": ("Ticker del emisor", "Símbolo", "Código bursátil"),
        "it": ("Ticker dell'emittente", "Simbolo"),
        "nl": ("Tickersymbool", "Ticker uitgevende instelling"),
    },
    "isin": {
        "en": ("ISIN", "ISIN Code", "ISIN Number", "Security ISIN"),
        "de": ("ISIN-Code", "ISIN Nummer"),
        "fr": ("Code ISIN",),
        "es": ("Código ISIN",),
        "it": ("Codice ISIN",),
        "nl": ("ISIN-code",),
    },
    "cusip": {"en": ("CUSIP", "CUSIP Number", "CUSIP Code", "Security CUSIP")},
    "sedol": {"en": ("SEDOL", "SEDOL Code", "SEDOL Number")},
    "lei": {
        "en": ("LEI", "LEI Code", "Issuer LEI", "Legal Entity Identifier"),
        "fr": ("Code LEI", "Identifiant d'entité juridique"),
        "es": ("Código LEI",),
        "it": ("Codice LEI",),
    },
    "identifier": {
        "en": ("Identifier", "Security ID", "Security Identifier", "Security Code", "ID", "Instrument ID"),
        "de": ("Kennung", "Wertpapierkennung", "Wertpapierkennnummer", "Kennnummer"),
        "fr": ("Identifiant", "Code valeur", "Code du titre"),
        "es": ("Identificador", "Código del valor"),
        "it": ("Identificativo", "Identificatore", "Codice titolo"),
        "nl": ("Identificatie", "Fondscode"),
    },
    "weight": {
        "en": (
            "Weight (%)",
            "Weight",
            "% of Net Assets",
            "% of Fund",
            "% of Portfolio",
            "% Weight",
            "Weighting",
            "Portfolio Weight",
            "Percent of Fund",
            "% of Market Value",
            "Percentage of Fund",
            "% Net Assets",
            "Fund Weight",
        ),
        "de": (
            "Gewichtung (%)",
            "Gewichtung",
            "Gewicht",
            "Anteil (%)",
            "Anteil",
            "Anteil am Fondsvermögen",
            "% des Fondsvermögens",
            "Gewichtung in %",
        ),
        "fr": (
            "Pondération (%)",
            "Pondération",
            "Poids (%)",
            "Poids",
            "% de l'actif net",
            "% du fonds",
            "% de l'actif",
        ),
        "es": (
            "Ponderación (%)",
            "Ponderación",
            "Peso (%)",
            "% del patrimonio",
            "% del fondo",
            "% de los activos netos",
        ),
        "it": ("Ponderazione (%)", "Ponderazione", "Peso", "% del patrimonio netto", "% del fondo"),
        "nl": ("Weging (%)", "Weging", "Gewicht (%)", "% van het fonds", "% van het vermogen"),
    },
    "market_value": {
        "en": (
            "Market Value",
            "Base Market Value",
            "Market Value (Base)",
            "Value",
            "Position Value",
            "Holding Value",
            "MV",
            "Market Val",
            "Valuation",
        ),
        "de": ("Marktwert", "Kurswert", "Marktwert (EUR)", "Wert", "Positionswert"),
        "fr": ("Valeur de marché", "Valeur boursière", "Valorisation", "Valeur"),
        "es": ("Valor de mercado", "Valor de la posición"),
        "it": ("Valore di mercato", "Controvalore", "Valore"),
        "nl": ("Marktwaarde", "Waarde"),
    },
    "quantity": {
        "en": (
            "Shares",
            "Quantity",
            "Shares Held",
            "Units",
            "Position",
            "Par Value",
            "Nominal",
            "Nominal Amount",
            "Face Amount",
            "Par",
            "Number of Shares",
            "Holding Quantity",
            "Qty",
        ),
        "de": ("Nominale", "Anzahl", "Stück", "Stückzahl", "Menge", "Bestand", "Anteile"),
        "fr": ("Quantité", "Nombre de titres", "Nombre d'actions", "Nominal (titres)"),
        "es": ("Cantidad", "Acciones", "Número de acciones", "Títulos", "Nominal (títulos)"),
        "it": ("Quantità", "Numero di azioni", "Nominale (titoli)"),
        "nl": ("Aantal", "Aantal aandelen", "Nominaal", "Stuks"),
    },
    "notional_value": {
        "en": ("Notional Value", "Notional", "Notional Amount", "Exposure"),
        "de": ("Nominalwert", "Nominalbetrag"),
        "fr": ("Valeur notionnelle", "Notionnel"),
        "es": ("Valor nocional", "Nocional"),
        "it": ("Valore nozionale", "Nozionale"),
        "nl": ("Nominale waarde", "Notionele waarde"),
    },
    "price": {
        "en": ("Price", "Market Price", "Close Price", "Closing Price", "Last Price"),
        "de": ("Kurs", "Preis", "Schlusskurs"),
        "fr": ("Prix", "Cours"),
        "es": ("Precio", "Cotización"),
        "it": ("Prezzo", "Quotazione"),
        "nl": ("Koers", "Prijs"),
    },
    "asset_class": {
        "en": (
            "Asset Class",
            "Asset Type",
            "Security Type",
            "Instrument Type",
            "Asset Category",
            "Type",
            "Security Class",
        ),
        "de": ("Anlageklasse", "Assetklasse", "Asset-Klasse", "Wertpapierart", "Instrumententyp", "Vermögensart"),
        "fr": ("Classe d'actifs", "Classe d'actif", "Type d'actif", "Catégorie d'actifs", "Type d'instrument"),
        "es": ("Clase de activo", "Clase de activos", "Tipo de activo", "Tipo de instrumento"),
        "it": ("Classe di attività", "Classe di attivo", "Tipo di strumento", "Tipologia"),
        "nl": ("Beleggingscategorie", "Activaklasse", "Vermogenscategorie", "Type belegging"),
    },
    "sector": {
        "en": ("Sector", "GICS Sector", "Industry", "Industry Sector"),
        "de": ("Sektor", "Branche"),
        "fr": ("Secteur",),
        "es": ("Sector económico",),
        "it": ("Settore",),
        "nl": ("Bedrijfstak",),
    },
    "country": {
        "en": (
            "Location",
            "Country",
            "Country of Risk",
            "Location of Risk",
            "Domicile",
            "Country of Domicile",
            "Country of Incorporation",
            "Country Code",
            "Issuer Country",
        ),
        "de": ("Standort", "Land", "Sitzland", "Domizil", "Länderrisiko", "Land des Emittenten"),
        "fr": ("Localisation", "Pays", "Emplacement", "Pays de risque", "Domiciliation"),
        "es": ("Ubicación", "País", "Localización", "Domicilio"),
        "it": ("Area geografica", "Paese", "Località", "Ubicazione", "Domicilio (paese)"),
        "nl": ("Locatie", "Land van vestiging", "Vestigingsland"),
    },
    "exchange": {
        "en": ("Exchange", "Listing Exchange", "Primary Exchange", "Market", "Stock Exchange", "Exchange Code", "MIC"),
        "de": ("Börse", "Handelsplatz", "Börsenplatz"),
        "fr": ("Bourse", "Marché", "Place de cotation"),
        "es": ("Mercado", "Bolsa"),
        "it": ("Borsa", "Mercato"),
        "nl": ("Beurs", "Markt"),
    },
    "currency": {
        "en": (
            "Local Currency",
            "Market Currency",
            "Trading Currency",
            "Currency",
            "Security Currency",
            "Ccy",
            "Crncy",
            "Currency Code",
        ),
        "de": ("Marktwährung", "Handelswährung", "Währung"),
        "fr": ("Devise du marché", "Devise de marché", "Devise", "Monnaie"),
        "es": ("Divisa de mercado", "Moneda de mercado", "Divisa", "Moneda"),
        "it": ("Valuta di mercato", "Valuta"),
        "nl": ("Marktvaluta", "Valuta", "Munteenheid"),
    },
    "as_of": {
        "en": (
            "As Of",
            "As of Date",
            "As-of Date",
            "Holdings Date",
            "Position Date",
            "Valuation Date",
            "Report Date",
            "Date",
        ),
        "de": ("Stichtag", "Datum", "Bewertungsdatum", "Stand"),
        "fr": ("Date de valorisation", "Date de position"),
        "es": ("Fecha", "Fecha de valoración"),
        "it": ("Data", "Data di valutazione"),
        "nl": ("Peildatum", "Waarderingsdatum"),
    },
    "holding_id": {
        "en": ("Holding ID", "Position ID", "Lot ID", "Position Number", "Lot Number", "Position Key"),
        "de": ("Positions-ID", "Positionsnummer"),
        "fr": ("Identifiant de position", "Numéro de position"),
        "es": ("Identificador de posición",),
        "it": ("Identificativo posizione",),
        "nl": ("Positie-ID",),
    },
    "portfolio_id": {
        "en": ("Portfolio", "Portfolio ID", "Portfolio Code", "Fund", "Fund ID", "Fund Code", "Account", "Account ID"),
        "de": ("Portfolio-ID", "Fonds-ID", "Depot", "Depotnummer"),
        "fr": ("Portefeuille", "Code portefeuille"),
        "es": ("Cartera", "Código de cartera"),
        "it": ("Portafoglio", "Codice portafoglio"),
        "nl": ("Portefeuille-ID",),
    },
}

LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch"}

CANONICAL: tuple[str, ...] = tuple(ALIASES)
"""Every column a source column can be mapped to (``column_map`` values)."""

IDENTITY_COLUMNS: tuple[str, ...] = (
    "isin",
    "cusip",
    "sedol",
    "lei",
    "identifier",
    "ticker",
    "security_name",
)
"""Columns that say which security a row is; a holdings table needs at least one."""

NUMERIC_COLUMNS: tuple[str, ...] = ("weight", "market_value", "quantity", "notional_value", "price")
TEXT_COLUMNS: tuple[str, ...] = ("security_name", "ticker", "exchange", "currency", "sector")

_PARENTHESES = re.compile(r"\([^)]*\)")


def header_key(text: object) -> str:
    """The comparison form of a column name: no case, accents, spaces or annotations."""
    return _header_key(str(text))


@functools.lru_cache(maxsize=1 << 16)
def _header_key(text: str) -> str:
    """:func:`header_key` of a text, remembered: a folder of files repeats its column names."""
    value = unicodedata.normalize("NFKD", str(text)).casefold()
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = _PARENTHESES.sub(lambda m: " pct " if "%" in m.group() else " ", value)
    value = value.replace("%", " pct ")
    return re.sub(r"[^0-9a-z]+", "", value)


@dataclass(frozen=True)
class AliasHit:
    """What a column name is an alias of: the canonical column, its rank, and its languages."""

    canonical: str
    rank: int
    languages: frozenset[str]


def _build_index() -> dict[str, AliasHit]:
    index: dict[str, AliasHit] = {}
    for canonical, by_language in ALIASES.items():
        ranked: dict[str, tuple[int, set[str]]] = {}
        for language, names in by_language.items():
            for rank, name in enumerate(names, start=1):
                key = header_key(name)
                best, languages = ranked.get(key, (rank, set()))
                ranked[key] = (min(best, rank), languages | {language})
        ranked.setdefault(header_key(canonical), (0, {"en"}))
        for key, (rank, languages) in ranked.items():
            if key in index and index[key].canonical != canonical:
                raise ValueError(f"column alias {key!r} is listed for both {index[key].canonical} and {canonical}")
            index[key] = AliasHit(canonical, rank, frozenset(languages))
    return index


_INDEX = _build_index()


def alias_index() -> dict[str, AliasHit]:
    """Every known alias key and what it maps to (a copy)."""
    return dict(_INDEX)


def header_language(keys: Iterable[str]) -> str | None:
    """The language most matched column names belong to, counting names of one language only."""
    votes: dict[str, int] = {}
    for key in keys:
        hit = _INDEX.get(key)
        if hit is not None and len(hit.languages) == 1:
            (language,) = hit.languages
            votes[language] = votes.get(language, 0) + 1
    if not votes:
        return None
    return max(sorted(votes), key=lambda lang: votes[lang])
