"""``exclusionscreen screen`` and ``exclusionscreen demo``: load, screen, write, print a summary."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from tqdm import tqdm

from .._resources import bundled_dir
from ..display import result_text
from ..errors import ExclusionScreenError
from ..holdings import load_holdings
from ..reference import read_research_list, read_sipri_top100
from ..report import ReportError, check_writable, holdings_paths, summary_alerts, write_report, write_restricted_list
from ..result import ScreenResult
from ..rulefiles import load_policy
from ..screen import screen as run_screen
from ..universe import load_universe
from . import portfolios as _portfolios
from .dates import DateError, parse_date
from .options import parse_column_map
from .terminal import clean, cli_words, echo, fail


def _fail(exc: Exception, verbose: bool = False) -> typer.Exit:
    if isinstance(exc, OSError) and not isinstance(exc, ExclusionScreenError) and exc.filename is not None:
        exc = f"{exc.filename}: {exc.strerror or exc}"  # the path first, as in every other error
    return fail(exc, verbose=verbose)


class _Stages:
    """A progress bar over the stages of a run, shown on a terminal."""

    def __init__(self, names: list[str]):
        self.bar = tqdm(total=len(names), disable=not sys.stderr.isatty(), leave=False, unit="stage")
        self.names = iter(names)

    def next(self) -> None:
        self.bar.set_description(next(self.names, ""))

    def done(self) -> None:
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def screen(
    holdings: list[Path] = typer.Argument(..., exists=True, help="Holdings files (CSV, XLSX, Parquet) or folders."),
    policy: str = typer.Option("broad", "--policy", "-p", help="A shipped policy id or a policy file."),
    universe: Path | None = typer.Option(
        None,
        "--universe",
        "-u",
        exists=True,
        file_okay=False,
        help="Reference-data folder (issuers.csv, securities.csv, ...).",
    ),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Screening date: YYYY-MM-DD, or a quarter (2026Q3 is its last day, 2026-09-30); default: the files' "
        "date. Other forms need --date-format.",
    ),
    date_format: str | None = typer.Option(
        None, "--date-format", help="How --as-of is written, as a strftime pattern, e.g. '%d/%m/%Y'."
    ),
    overrides: Path | None = typer.Option(None, "--overrides", exists=True, dir_okay=False, help="Overrides CSV."),
    decisions: Path | None = typer.Option(
        None, "--decisions", exists=True, dir_okay=False, help="Review decisions CSV from earlier quarters."
    ),
    previous: Path | None = typer.Option(
        None, "--previous", exists=True, file_okay=False, help="Last quarter's result folder (written with --parquet)."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", dir_okay=False, help="Write the Excel report here."),
    restricted_list: Path | None = typer.Option(
        None, "--restricted-list", dir_okay=False, help="Write the restricted list (CSV) here."
    ),
    parquet: Path | None = typer.Option(
        None, "--parquet", file_okay=False, help="Save the result as Parquet in this folder (for --previous)."
    ),
    per_portfolio: bool = typer.Option(
        False,
        "--per-portfolio",
        help="Also write one complete report per portfolio, in the folder <report>_portfolios beside --out "
        "(file names from the portfolio ids).",
    ),
    holdings_in_workbook: bool = typer.Option(
        False,
        "--holdings-in-workbook",
        help="Put every holding in the report (sheet Holdings); by default it lists the holdings that are not "
        "clear, and every holding goes to <report>_holdings.parquet and .csv beside it.",
    ),
    sipri_top100: Path | None = typer.Option(
        None, "--sipri-top100", exists=True, dir_okay=False, help="Your copy of the SIPRI Top 100 workbook."
    ),
    sipri_year: int | None = typer.Option(None, "--sipri-year", help="Which year's sheet of the SIPRI workbook."),
    research_list: list[Path] = typer.Option(
        [], "--research-list", exists=True, dir_okay=False, help="Research list CSV (repeatable)."
    ),
    no_bundled_lists: bool = typer.Option(False, "--no-bundled-lists", help="Do not add the bundled lists."),
    column: list[str] = typer.Option([], "--map", help="Map a holdings column by hand: --map 'Kennung=isin'."),
    portfolio_id: str | None = typer.Option(None, "--portfolio-id", help="One portfolio id for all the files."),
    sheet: str | None = typer.Option(None, "--sheet", help="The workbook sheet holding the holdings."),
    match_threshold: float = typer.Option(
        0.90, "--match-threshold", min=0.0, max=1.0, help="Name matches at or above this count."
    ),
    review_threshold: float = typer.Option(
        0.80,
        "--review-threshold",
        min=0.0,
        max=1.0,
        help="Name matches from this up to the match threshold go to review.",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print errors in full (every problem listed)."),
    currency: str | None = typer.Option(
        None,
        "--currency",
        help="Currency of the market values (ISO 4217, such as EUR) for files that state none.",
    ),
    previous_quarters: list[Path] = typer.Option(
        [],
        "--previous-quarter",
        exists=True,
        file_okay=False,
        help="An earlier quarter end's result folder (written with --parquet), repeatable: the report's sheet "
        "PAI 14 averages PAI 14 over them and this quarter (SFDR RTS, four quarter ends).",
    ),
    funds: Path | None = typer.Option(
        None,
        "--funds",
        exists=True,
        file_okay=False,
        help="Folder of fund holdings files (with a funds.csv index, or files named by ISIN): look through the "
        "holdings that are these funds.",
    ),
    max_depth: int | None = typer.Option(
        None, "--max-depth", min=1, help="With --funds: follow funds held by funds this many levels (default: all)."
    ),
) -> None:
    """Screen holdings files against a policy and write the report.

    Exits 0 when the screen ran, 1 when an input was invalid (the message names the file, row or
    key), 2 on a usage error.

    \b
    Examples:
      exclusionscreen screen q3/fund_a.xlsx q3/fund_b.csv --universe reference/ \\
          --policy broad --as-of 2026-09-30 --out 2026Q3_exclusions.xlsx
      exclusionscreen screen IVV_holdings.csv --sipri-top100 SIPRI-Top-100.xlsx --sipri-year 2022 \\
          --policy broad --out ivv.xlsx --restricted-list restricted.csv
    """
    if sipri_top100 is not None and sipri_year is None:
        raise typer.BadParameter("--sipri-year is needed with --sipri-top100", param_hint="--sipri-year")
    if per_portfolio and out is None:
        raise typer.BadParameter("--per-portfolio needs --out, the fund-wide report", param_hint="--per-portfolio")
    if date_format is not None and as_of is None:
        raise typer.BadParameter(
            "--date-format says how --as-of is written; give --as-of too", param_hint="--date-format"
        )
    day = _date_option(as_of, date_format, "--as-of")
    stages = _Stages(["loading holdings", "loading reference data", "screening", "writing"])
    try:
        inputs = [
            *holdings,
            universe,
            overrides,
            decisions,
            previous,
            sipri_top100,
            *research_list,
            *previous_quarters,
            funds,
        ]
        if Path(policy).expanduser().exists():
            inputs.append(Path(policy))
        _check_outputs(
            {
                "--out": out,
                "--restricted-list": restricted_list,
                "--parquet": parquet,
                "--per-portfolio": _portfolios.folder_for(out) if per_portfolio and out is not None else None,
            },
            [p for p in inputs if p is not None],
            folders=[p for p in holdings if p.is_dir()],
        )
        stages.next()
        loaded = load_holdings(holdings, portfolio_id=portfolio_id, column_map=parse_column_map(column), sheet=sheet)
        stages.done()
        stages.next()
        u = load_universe(universe, include_bundled=not no_bundled_lists)
        for path in research_list:
            u = u.add(involvement=read_research_list(path), source=path)
        if sipri_top100 is not None:
            u = u.add(involvement=read_sipri_top100(sipri_top100, sipri_year), source=sipri_top100)
        rules = load_policy(policy)
        stages.done()
        stages.next()
        result = run_screen(
            loaded,
            u,
            rules,
            as_of=day,
            overrides=overrides,
            decisions=decisions,
            match_threshold=match_threshold,
            review_threshold=review_threshold,
            currency=currency,
            funds=funds,
            max_depth=max_depth,
        )
        stages.done()
        stages.next()
        _write(
            result,
            out=out,
            restricted_list=restricted_list,
            parquet=parquet,
            previous=previous,
            all_holdings=holdings_in_workbook,
            previous_quarters=tuple(previous_quarters),
        )
        written = (
            _write_per_portfolio(result, out, previous, all_holdings=holdings_in_workbook) if per_portfolio else {}
        )
        stages.done()
    except (ExclusionScreenError, OSError) as exc:
        stages.close()
        raise _fail(exc, verbose) from None
    stages.close()
    echo(cli_words(result_text(result)))
    if not result.fund_lines.empty:
        echo(cli_words(_lookthrough_text(result)))
    for alert in summary_alerts(result):
        echo(f"warning: {cli_words(alert)}", err=True)
    for text in result.load_warnings:  # the screen's own warnings are in the summary above
        echo(f"warning: {cli_words(text)}", err=True)
    for label, path in (("report", out), ("restricted list", restricted_list), ("result", parquet)):
        if path is not None:
            echo(f"Wrote {label}: {path}")
    if out is not None:
        echo(f"Wrote every holding: {', '.join(str(p) for p in holdings_paths(out))}")
    if written:
        echo(f"Wrote {len(written):,} portfolio report(s) in {_portfolios.folder_for(Path(out))}")


def _date_option(text: str | None, date_format: str | None, option: str) -> str | None:
    """A date option as an ISO date (None when not given); a usage error when it is not one date."""
    if text is None:
        return None
    try:
        return parse_date(text, date_format).isoformat()
    except DateError as exc:
        raise typer.BadParameter(clean(exc), param_hint=option) from None


def _write_per_portfolio(result: ScreenResult, out: Path, previous, *, all_holdings: bool) -> dict[str, Path]:
    """One report per portfolio in the folder beside `out`; returns each portfolio's file."""
    folder = _portfolios.folder_for(Path(out).expanduser())
    folder.mkdir(exist_ok=True)
    parts = dict(_portfolios.portfolio_results(result))
    # a portfolio new this quarter is compared with no holdings: every holding is an addition
    before = dict(_portfolios.portfolio_results(ScreenResult.load(previous), parts)) if previous is not None else {}
    written = {}
    for portfolio_id, name in _portfolios.file_names(parts).items():
        prior = before.get(portfolio_id)
        written[portfolio_id] = write_report(
            parts[portfolio_id], folder / name, previous=prior, all_holdings=all_holdings
        )
    return written


def _lookthrough_text(result: ScreenResult) -> str:
    """The look-through: fund lines looked through, then per criterion flagged and currency the value
    flagged (excluded or watch) held directly, through funds and in total (never summed across currencies)."""
    lines = result.fund_lines
    seen = int(lines["looked_through"].sum())
    out = [f"Look-through: {seen} of {len(lines)} fund lines looked through ({len(result.funds())} funds)"]
    by_criterion = result.criteria_summary()
    if "flagged_value_total" not in by_criterion.columns:
        return out[0]
    flagged = by_criterion[by_criterion["flagged_value_total"].fillna(0.0) > 0]
    if flagged.empty:
        return out[0] + "; nothing flagged through funds or directly"
    out.append("Value flagged by criterion (direct + through funds = total):")
    for row in flagged.itertuples(index=False):
        out.append(
            f"  {row.criterion_id}: {row.flagged_value_direct:,.2f} + {row.flagged_value_indirect:,.2f} = "
            f"{row.flagged_value_total:,.2f} ({row.currency})"
        )
    return "\n".join(out)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_outputs(outputs: dict[str, Path | None], inputs: list[Path], *, folders: list[Path]) -> None:
    """Refuse, before anything is read, output paths that would overwrite an input, each other, or land
    in a holdings folder (the next run would read them as holdings), and targets that cannot be written.

    The report's own files (its holdings Parquet and CSV beside it) count as outputs too.
    """
    given = {option: Path(p).expanduser() for option, p in outputs.items() if p is not None}
    if "--out" in given:
        parquet, text = holdings_paths(given["--out"])
        given["--out (every holding, Parquet)"], given["--out (every holding, CSV)"] = parquet, text
    resolved_inputs = [(p, p.expanduser().resolve()) for p in inputs]
    resolved_folders = [f.expanduser().resolve() for f in folders]
    seen: dict[Path, str] = {}
    for option, path in given.items():
        where = path.resolve()
        for item, resolved in resolved_inputs:
            if where == resolved or (option == "--parquet" and _inside(resolved, where)):
                raise ReportError(f"{path} ({option}): is an input of this screen ({item}); write to another path")
        for folder in resolved_folders:
            if _inside(where, folder):
                raise ReportError(
                    f"{path} ({option}): is inside the holdings folder {folder}; the next screen of that folder "
                    "would read it as holdings. Write it elsewhere"
                )
        if where in seen:
            raise ReportError(f"{path}: given for both {seen[where]} and {option}; give each output its own path")
        seen[where] = option
        if option in ("--parquet", "--per-portfolio"):
            if path.exists() and not path.is_dir():
                raise ReportError(f"{path} ({option}): is a file; give a folder")
            continue
        if path.is_dir():
            raise ReportError(f"{path} ({option}): is a folder; give a file name")
        if not path.parent.is_dir():
            raise ReportError(f"{path} ({option}): the folder {path.parent} does not exist")
        check_writable(path)


def _write(
    result: ScreenResult, *, out, restricted_list, parquet, previous, all_holdings: bool = False, previous_quarters=()
) -> None:
    if parquet is not None:
        result.save(parquet)
    if out is not None:
        write_report(
            result, out, previous=previous, all_holdings=all_holdings, previous_quarters=tuple(previous_quarters)
        )
    if restricted_list is not None:
        write_restricted_list(result, restricted_list)


def demo(
    out: Path = typer.Option(
        Path("exclusionscreen-demo"), "--out", "-o", file_okay=False, help="Folder for the demo report and files."
    ),
) -> None:
    """Screen the shipped fictional pension fund for two quarters and write the Q3 report.

    Writes, in the output folder: exclusion_report_2026Q3.xlsx (with a Changes sheet against Q2),
    restricted_list_2026Q3.csv, and the two quarters' results as Parquet.

    \b
    Example:
      exclusionscreen demo --out demo/
    """
    sample = bundled_dir("sample_portfolios")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in ("exclusion_report_2026Q3.xlsx", "restricted_list_2026Q3.csv", "result_2026Q2"):
            check_writable(out / name)  # before the screen: a read-only folder fails at once
        universe = load_universe(sample / "universe")
        policy = load_policy(sample / "fund_policy.yaml")
        results = {}
        for quarter, as_of in (("2026Q2", "2026-06-30"), ("2026Q3", "2026-09-30")):
            holdings = load_holdings(sorted(p for p in (sample / quarter).iterdir() if p.suffix in {".csv", ".xlsx"}))
            results[quarter] = run_screen(
                holdings,
                universe,
                policy,
                as_of=as_of,
                overrides=sample / "overrides.csv",
                decisions=sample / "decisions.csv",
            )
            results[quarter].save(out / f"result_{quarter}")
        report = out / "exclusion_report_2026Q3.xlsx"
        _write(
            results["2026Q3"],
            out=report,
            restricted_list=out / "restricted_list_2026Q3.csv",
            parquet=None,
            previous=results["2026Q2"],
        )
    except (ExclusionScreenError, OSError) as exc:
        raise _fail(exc) from None
    echo(result_text(results["2026Q3"]))
    echo(f"\nWrote the demo report: {report}")
    echo(f"Restricted list: {out / 'restricted_list_2026Q3.csv'}")
