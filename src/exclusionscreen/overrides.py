"""Overrides: an analyst's documented decision to exempt a flag or to enforce an exclusion.

An overrides file has the columns ``issuer_id`` or ``isin`` (which one the override is about),
``criterion_id``, ``decision`` (exempt or enforce), ``rationale``, ``approver``, ``approved_on`` and
``expires_on`` (empty: no expiry). An override that names an unknown issuer, security or criterion is
an error; an expired one no longer applies and is listed as expired.

An approval means something only when it says who approved what, when and why: ``rationale``,
``approver`` and ``approved_on`` must hold more than spaces on every override, and
``decided_by`` and ``decided_on`` on every review decision. Two overrides of one flag (the same
issuer or ISIN and criterion) whose validity overlaps are an error naming both lines: the screen
would otherwise apply whichever came last. A decision dated after the screening date is pending
and not applied. Every error carries ``failure_cases``, one row per problem (file, line, key,
problem).

The screen's overrides stage is :func:`apply_overrides`: each override's state on the screening date
(:func:`override_states`), and the applied ones written onto the flags. The restricted list takes
its exemptions and enforcements from :func:`adjust_restricted`.

Why one module of this size: the overrides and decisions files, their approval checks and the
override stage (states on the screening date, flags exempted or enforced, the restricted list
adjusted) are one rule set that compliance reads as a whole; split, the states would drift from
the checks that guard them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._fast import isin
from .errors import OverrideError
from .join import FLAG_BASE
from .resolve import holding_keys
from .rules import Policy
from .universe import Universe

__all__ = [
    "OVERRIDE_COLUMNS",
    "OVERRIDE_STATES",
    "adjust_restricted",
    "apply_overrides",
    "check_decisions",
    "decisions_in_force",
    "check_overrides",
    "override_states",
    "read_decisions",
    "read_overrides",
]

OVERRIDE_COLUMNS = [
    "issuer_id",
    "isin",
    "criterion_id",
    "decision",
    "rationale",
    "approver",
    "approved_on",
    "expires_on",
]
DECISION_COLUMNS = ["holding_key", "issuer_id", "decision", "decided_by", "decided_on", "note"]
FAILURE_COLUMNS = ["file", "line", "key", "problem"]


def _fail(name: str, cases: list[dict]) -> OverrideError:
    """One OverrideError listing every problem, with the tidy table of them."""
    frame = pd.DataFrame(cases, columns=FAILURE_COLUMNS).astype({"line": "Int64"})
    text = "; ".join(f"line {c['line']}: {c['problem']}" if c["line"] is not None else c["problem"] for c in cases)
    return OverrideError(f"{name}: {text}", failure_cases=frame)


def _case(name: str, line, key, problem: str) -> dict:
    return {
        "file": name,
        "line": None if pd.isna(line) else int(line),
        "key": None if pd.isna(key) else str(key),
        "problem": problem,
    }


def _override_keys(frame: pd.DataFrame) -> pd.Series:
    """``issuer:<id>/<criterion>`` or ``isin:<isin>/<criterion>``: the flag an override is about."""
    target = ("issuer:" + frame["issuer_id"]).fillna("isin:" + frame["isin"])
    return target + "/" + frame["criterion_id"].fillna("")


def _read_table(source, kind: str, columns: list[str], required: list[str]) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        frame, name = source.copy(), f"{kind} (frame)"
    else:
        path = Path(source)
        name = str(path)
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise OverrideError(f"{name}: cannot be read as CSV: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise OverrideError(f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}")
    for column in columns:
        if column not in frame.columns:
            frame[column] = pd.NA
    frame = frame.astype({c: "string" for c in columns})
    for column in columns:
        stripped = frame[column].str.strip()
        frame[column] = stripped.mask(stripped == "")  # spaces or a tab say nothing
    return frame, name


def _dates(frame: pd.DataFrame, name: str, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        parsed = pd.to_datetime(out[column], errors="coerce", format="ISO8601")
        bad = out[column].notna() & parsed.isna()
        if bad.any():
            rows = ", ".join(str(i + 2) for i in out.index[bad][:5])
            raise OverrideError(f"{name}: column {column!r} must hold dates as YYYY-MM-DD (line(s) {rows})")
        out[column] = parsed
    return out


def read_overrides(source) -> pd.DataFrame:
    """Read an overrides CSV (or frame), checking its columns, decisions, approvals and dates.

    Every problem names its line (the header is line 1): a row naming neither issuer nor ISIN, a
    decision other than exempt or enforce, an empty criterion, rationale, approver or approval
    date, a date that is not YYYY-MM-DD, and two rows for one flag whose validity (approved_on to
    expires_on) overlaps.
    """
    frame, name = _read_table(
        source, "overrides", OVERRIDE_COLUMNS, ["criterion_id", "decision", "rationale", "approver"]
    )
    line = frame.index + 2  # header is line 1
    keys = _override_keys(frame)
    cases = []
    neither = frame["issuer_id"].isna() & frame["isin"].isna()
    cases += [
        _case(name, n, k, "names neither an issuer_id nor an isin")
        for n, k in zip(line[neither], keys[neither], strict=True)
    ]
    bad = ~frame["decision"].str.lower().isin(["exempt", "enforce"]).fillna(False).astype(bool)
    cases += [
        _case(name, n, k, f"decision {v!r} is not exempt or enforce")
        for n, k, v in zip(line[bad], keys[bad], frame["decision"][bad], strict=True)
    ]
    for column in ("criterion_id", "rationale", "approver", "approved_on"):
        empty = frame[column].isna()
        cases += [_case(name, n, k, f"{column} is empty") for n, k in zip(line[empty], keys[empty], strict=True)]
    if cases:
        raise _fail(name, cases)
    frame["decision"] = frame["decision"].str.lower()
    frame["source_line"] = line
    frame.attrs["source"] = name
    frame = _dates(frame, name, ["approved_on", "expires_on"])
    _no_conflicts(frame, name, keys)
    return frame


def _no_conflicts(frame: pd.DataFrame, name: str, keys: pd.Series) -> None:
    """Refuse two overrides of one flag whose validity overlaps, naming both lines.

    Each override holds from ``approved_on`` to ``expires_on`` (open-ended when empty). Rows for
    one flag that follow each other (an exemption renewed, then an enforcement after it expired)
    are a history and allowed; rows that hold on the same day leave the outcome, or at least the
    rationale and approver shown, to row order.
    """
    start, end = frame["approved_on"], frame["expires_on"]  # no expiry: open-ended
    cases = []
    for key, group in frame.groupby(keys.to_numpy(), sort=False):
        if len(group) < 2:
            continue
        rows = list(group.index)
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if (pd.isna(end[b]) or start[a] <= end[b]) and (pd.isna(end[a]) or start[b] <= end[a]):
                    what = (
                        "different decisions"
                        if frame.at[a, "decision"] != frame.at[b, "decision"]
                        else "the same decision"
                    )
                    cases.append(
                        _case(
                            name,
                            frame.at[b, "source_line"],
                            key,
                            f"conflicts with line {frame.at[a, 'source_line']}: two overrides of {key} with {what} "
                            "hold on the same days; keep one row per flag and period",
                        )
                    )
    if cases:
        raise _fail(name, cases)


def check_overrides(
    overrides: pd.DataFrame, *, issuers: pd.Series, isins: pd.Series, criteria: set[str], catalogue: set[str]
) -> None:
    """Raise OverrideError listing every override that names an unknown issuer, security or criterion."""
    name = overrides.attrs.get("source", "overrides")
    lines, keys = overrides["source_line"], _override_keys(overrides)
    cases = []
    bad = overrides["issuer_id"].notna() & ~overrides["issuer_id"].isin(issuers)
    cases += [
        _case(name, n, k, f"unknown issuer_id '{v}'")
        for n, k, v in zip(lines[bad], keys[bad], overrides["issuer_id"][bad], strict=True)
    ]
    bad = overrides["isin"].notna() & ~overrides["isin"].isin(isins)
    cases += [
        _case(name, n, k, f"unknown isin '{v}' (not in the universe's securities or the holdings)")
        for n, k, v in zip(lines[bad], keys[bad], overrides["isin"][bad], strict=True)
    ]
    bad = ~overrides["criterion_id"].isin(criteria | catalogue)
    known = ", ".join(sorted(criteria | catalogue))
    cases += [
        _case(name, n, k, f"unknown criterion_id '{v}'; known: {known}")
        for n, k, v in zip(lines[bad], keys[bad], overrides["criterion_id"][bad], strict=True)
    ]
    if cases:
        raise _fail(name, cases)


def read_decisions(source) -> pd.DataFrame:
    """Read a review-decisions CSV (or frame): holding_key, issuer_id, decision (confirmed|rejected), who, when.

    Every row needs a holding_key, an issuer_id, a decision, ``decided_by`` and ``decided_on``
    (more than spaces); each problem names its line. :func:`check_decisions` then says which
    decisions apply on the screening date.
    """
    frame, name = _read_table(
        source, "decisions", DECISION_COLUMNS, ["holding_key", "issuer_id", "decision", "decided_by", "decided_on"]
    )
    line = frame.index + 2
    frame["decision"] = frame["decision"].str.lower()
    cases = []
    for column in ("holding_key", "issuer_id", "decided_by", "decided_on"):
        empty = frame[column].isna()
        cases += [
            _case(name, n, k, f"{column} is empty")
            for n, k in zip(line[empty], frame["holding_key"][empty], strict=True)
        ]
    bad = ~frame["decision"].isin(["confirmed", "rejected"]).fillna(False).astype(bool)
    cases += [
        _case(name, n, k, f"decision {v!r} is not confirmed or rejected")
        for n, k, v in zip(line[bad], frame["holding_key"][bad], frame["decision"][bad], strict=True)
    ]
    if cases:
        raise _fail(name, sorted(cases, key=lambda c: c["line"]))
    frame["source_line"] = line
    frame.attrs["source"] = name
    return _dates(frame, name, ["decided_on"])


def check_decisions(
    decisions: pd.DataFrame, *, holding_keys: pd.Series, issuers: pd.Series, as_of
) -> tuple[pd.DataFrame, list[str]]:
    """The decisions that apply on the screening date `as_of`, and warnings about the others.

    A decision naming an issuer the universe does not have is an :class:`OverrideError` naming
    the line: a confirmation could not be carried out, and a typo would leave the holding as it
    was without anyone noticing. A decision whose holding_key no holding has is a warning, not
    an error: a decisions file is a log kept across quarters, and the holdings it was made for
    get sold. A decision dated after `as_of` is pending: a warning, and not applied.
    """
    name = decisions.attrs.get("source", "decisions")
    lines = decisions["source_line"]
    bad = decisions["issuer_id"].notna() & ~decisions["issuer_id"].isin(issuers)
    if bad.any():
        raise _fail(
            name,
            [
                _case(name, n, k, f"unknown issuer_id '{v}' (not in the universe)")
                for n, k, v in zip(lines[bad], decisions["holding_key"][bad], decisions["issuer_id"][bad], strict=True)
            ],
        )
    day = pd.Timestamp(as_of)
    later = decisions["decided_on"] > day
    _refuse_conflicting_decisions(decisions[~later], name)
    unknown = ~decisions["holding_key"].isin(holding_keys)
    warnings = [
        f"{name}: line {n}: no holding has the key {k!r}; the decision is not applied"
        for n, k in zip(lines[unknown], decisions["holding_key"][unknown], strict=True)
    ]
    warnings += [
        f"{name}: line {n}: decided on {d.date()}, after the screening date {day.date()}; pending, not applied"
        for n, d in zip(lines[later], decisions["decided_on"][later], strict=True)
    ]
    return decisions[~later], warnings


def _refuse_conflicting_decisions(decisions: pd.DataFrame, name: str) -> None:
    """Two decisions in force for one holding key that say different things (another decision, or
    another issuer) are an error naming both lines: the screen would otherwise apply whichever came
    last. Repeating the same decision is harmless; a changed decision replaces the old row."""
    said = decisions["decision"].astype("string") + "|" + decisions["issuer_id"].astype("string")
    per_key = said.groupby(decisions["holding_key"], dropna=False).transform("nunique")
    clash = decisions[per_key.to_numpy() > 1]
    if clash.empty:
        return
    cases = []
    for key, rows in clash.groupby("holding_key", sort=False):
        lines = rows["source_line"].tolist()
        cases += [
            _case(
                name,
                line,
                key,
                f"decision {row.decision} of issuer {row.issuer_id} conflicts with line(s) "
                + ", ".join(str(n) for n in lines if n != line)
                + " for the same holding key; keep one",
            )
            for line, row in zip(lines, rows.itertuples(), strict=True)
        ]
    raise _fail(name, sorted(cases, key=lambda c: c["line"]))


def decisions_in_force(
    decisions, securities: pd.DataFrame, universe: Universe, as_of: pd.Timestamp
) -> tuple[pd.DataFrame | None, list[str]]:
    """The review decisions (a CSV path or frame, or None) that apply to `securities` on `as_of`, and
    warnings about the others (see :func:`check_decisions`)."""
    if decisions is None:
        return None, []
    return check_decisions(
        read_decisions(decisions),
        holding_keys=holding_keys(securities),
        issuers=universe.issuers["issuer_id"],
        as_of=as_of,
    )


# ---------------------------------------------------------------------------------------- the stage

APPLIED = "applied"
NO_HOLDING = "applied (no holding affected)"
EXPIRED = "expired"
NOT_YET_APPROVED = "not yet approved"
NOT_IN_POLICY = "criterion not in policy"
#: every state an override can be in on the screening date
OVERRIDE_STATES = (APPLIED, NO_HOLDING, EXPIRED, NOT_YET_APPROVED, NOT_IN_POLICY)


def override_states(table: pd.DataFrame, as_of: pd.Timestamp, criterion_ids) -> pd.Series:
    """Each override's state on `as_of`, before it is applied: applied, or why not.

    An override applies from its ``approved_on`` to its ``expires_on``, both inclusive, and only to a
    criterion of the policy (`criterion_ids`). Where several reasons hold, the first named wins:
    criterion not in policy, not yet approved, expired.
    """
    not_in_policy = ~table["criterion_id"].isin(list(criterion_ids)).to_numpy(dtype=bool)
    not_yet = (table["approved_on"].notna() & (table["approved_on"] > as_of)).to_numpy(dtype=bool)
    expired = (table["expires_on"].notna() & (table["expires_on"] < as_of)).to_numpy(dtype=bool)
    state = np.select([not_in_policy, not_yet, expired], [NOT_IN_POLICY, NOT_YET_APPROVED, EXPIRED], default=APPLIED)
    return pd.Series(state, index=table.index, dtype="str")


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(columns=[*OVERRIDE_COLUMNS, "state", "holdings_affected"])


def apply_overrides(
    flags: pd.DataFrame,
    base: pd.DataFrame,
    held_securities: pd.DataFrame,
    overrides,
    universe: Universe,
    policy: Policy,
    catalogue,
    as_of: pd.Timestamp,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The screen's overrides stage: (the flags with the applied overrides, the overrides table).

    `overrides` is a CSV path or frame (:func:`read_overrides`), or None. Every override is checked
    against the universe, the held securities, the policy and the `catalogue` of known criteria
    (:func:`check_overrides`). An applied exemption sets its flags' outcome to exempt; an applied
    enforcement sets them to exclude and adds a flag for each holding it names that no evidence
    flagged. The table gives each override its state and the number of holdings it touched.
    """
    if overrides is None:
        return flags, _empty_table()
    table = read_overrides(overrides)
    known_isins = pd.concat([universe.securities["isin"], held_securities["isin"]]).dropna()
    check_overrides(
        table,
        issuers=universe.issuers["issuer_id"],
        isins=known_isins,
        criteria=set(policy.criterion_ids),
        catalogue=set(catalogue),
    )
    table["state"] = override_states(table, as_of, policy.criterion_ids)
    active = table[table["state"] == APPLIED]

    flags = flags.copy()
    affected = pd.Series(0, index=table.index)
    for i, row in active.iterrows():  # one pass per override (tens), each a whole-column operation
        target = (
            (flags["issuer_id"] == row["issuer_id"]) if pd.notna(row["issuer_id"]) else (flags["isin"] == row["isin"])
        )
        target = target.fillna(False) & (flags["criterion_id"] == row["criterion_id"])
        flags.loc[target, "override"] = row["decision"]
        flags.loc[target, "override_rationale"] = _rationale(row)
        flags.loc[target, "outcome"] = "exempt" if row["decision"] == "exempt" else "exclude"
        affected[i] = int(target.sum())
        if row["decision"] == "enforce":
            flags, added = _enforce_new(flags, base, row, policy)
            affected[i] += added
    table["holdings_affected"] = affected
    table.loc[(table["state"] == APPLIED) & (table["holdings_affected"] == 0), "state"] = NO_HOLDING
    return flags, table.drop(columns=["source_line"])


def _rationale(row) -> str:
    return f"{row['rationale']} (approved by {row['approver']})"


def _enforce_new(flags: pd.DataFrame, base: pd.DataFrame, row, policy: Policy) -> tuple[pd.DataFrame, int]:
    """Flags for holdings an 'enforce' override names that no evidence had flagged for that criterion."""
    key = "issuer_id" if pd.notna(row["issuer_id"]) else "isin"
    held = base[(base[key] == row[key]).fillna(False)]
    already = flags.loc[flags["criterion_id"] == row["criterion_id"], "holding_id"]
    held = held[~isin(held["holding_id"], already)]
    if held.empty:
        return flags, 0
    c = policy.criterion(row["criterion_id"])
    new = held[FLAG_BASE].assign(
        _row=held.index.to_numpy(),
        criterion_id=c.id,
        criterion_version=c.version,
        basis=c.basis.value,
        via="direct",
        cause_issuer_id=held["issuer_id"],
        cause_name=held["issuer_name"].fillna(held["security_name"]),
        evidence_source="analyst override",
        evidence_note=row["rationale"],
        action="exclude",
        outcome="exclude",
        override="enforce",
        override_rationale=_rationale(row),
    )
    return pd.concat([flags, new], ignore_index=True), len(new)


def adjust_restricted(rows: pd.DataFrame, table: pd.DataFrame, securities: pd.DataFrame) -> pd.DataFrame:
    """The restricted list's rows (one per security, criterion and way) less applied exemptions, plus
    the securities of applied enforcements (``via`` override).

    An exemption by issuer lifts that issuer's securities for one criterion; by ISIN it lifts that
    one security for one criterion. A security stays on the list while any other criterion excludes
    it. `securities` are the universe's, with the columns of `rows` that identify a security.
    """
    if table is None or not len(table):
        return rows
    active = table[table["state"].str.startswith(APPLIED)]
    exempt, enforce = active[active["decision"] == "exempt"], active[active["decision"] == "enforce"]
    for key in ("issuer_id", "isin"):
        lifted = exempt.loc[exempt[key].notna(), [key, "criterion_id"]].assign(_lifted=True)
        rows = rows.merge(lifted.drop_duplicates(), on=[key, "criterion_id"], how="left")
        rows = rows[rows["_lifted"].isna()].drop(columns="_lifted")
    by_issuer = enforce[enforce["issuer_id"].notna()][["issuer_id", "criterion_id"]]
    by_isin = enforce[enforce["isin"].notna()][["isin", "criterion_id"]]
    added = pd.concat([securities.merge(by_issuer, on="issuer_id"), securities.merge(by_isin, on="isin")])
    return pd.concat([rows, added.assign(via="override")], ignore_index=True)
