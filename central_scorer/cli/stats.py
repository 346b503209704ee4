"""`central-scorer calibrate | link | analyse`: statistics at the centre (`central_scorer/stats/`).

``calibrate`` and ``link`` work on files and need no centre database; ``analyse`` reads the centre's
stored results (read-only) and writes the analysis report PDFs.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from central_scorer.cli.output import print_json
from common.cli import errors
from common.cli.errors import CliError
from central_scorer.stats.irt.model import DEFAULT_QUADRATURE, MODELS


def _clean(value: Any) -> Any:
    """JSON without NaN: a missing standard error is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _calibrate(args: argparse.Namespace, centre) -> int:
    from central_scorer.stats.irt.calibration import calibrate
    from central_scorer.stats.irt.model import CalibrationError
    from central_scorer.stats.responses import ResponseFormatError, read_responses_csv

    try:
        matrix = read_responses_csv(args.responses, count_column=args.count_column)
        result = calibrate(matrix, args.model, quadrature_points=args.quadrature)
    except (ResponseFormatError, CalibrationError) as exc:
        raise CliError("message", errors.USAGE, code="invalid", text=str(exc)) from None
    data = _clean(result.as_dict())
    if args.json:
        print_json(data)
    else:
        print(f"model {result.model}, {result.n_students:g} students, {len(result.items)} items, "
              f"loglik {result.loglik:.3f}, iterations {result.iterations}, "
              f"{'converged' if result.converged else 'NOT converged'}")
        print(f"{'id':<16}{'a':>9}{'se_a':>9}{'d':>9}{'se_d':>9}{'b':>9}{'se_b':>9}")
        for item in result.items:
            se_a = "-" if item.se_a is None else f"{item.se_a:.4f}"
            print(f"{item.id:<16}{item.a:>9.4f}{se_a:>9}{item.d:>9.4f}{item.se_d:>9.4f}"
                  f"{item.b:>9.4f}{item.se_b:>9.4f}")
    return 0 if result.converged else 1


def _link(args: argparse.Namespace, centre) -> int:
    from central_scorer.stats.linking import LinkingError, mean_sigma, stocking_lord

    def load(path: Path) -> dict[str, tuple[float, float]]:
        try:
            data = json.loads(path.read_text("utf-8"))
            return {str(i["id"]): (float(i["a"]), float(i["b"])) for i in data["items"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise CliError("message", errors.USAGE, code="invalid",
                           text=f"{path}: not a calibration (calibrate --json output): {exc}") from None

    base, new = load(args.base), load(args.new)
    try:
        link = (stocking_lord if args.method == "stocking-lord" else mean_sigma)(base, new)
    except LinkingError as exc:
        raise CliError("message", errors.USAGE, code="invalid", text=str(exc)) from None
    items = [{"id": item, "a": a, "b": b, "d": -a * b} for item, (a, b) in link.items(new).items()]
    print_json({**link.as_dict(), "items": items})
    return 0


def _analyse(args: argparse.Namespace, centre) -> int:
    from central_scorer.stats.analysis import AnalysisOptions, build_analysis, summary, write_analysis
    from central_scorer.stats.dataset import read_regions_csv
    from central_scorer.stats.items import FlagBounds

    try:
        regions = read_regions_csv(args.regions) if args.regions else None
        bounds = FlagBounds.from_dict(json.loads(args.flag_bounds)) if args.flag_bounds else FlagBounds()
    except ValueError as exc:
        raise CliError("message", errors.USAGE, code="invalid", text=str(exc)) from None
    from common.domain.content_model import ContentError

    options = AnalysisOptions(model=args.model, bounds=bounds, min_irt_students=args.min_irt_students)
    langs = tuple(args.lang or ("kk", "ru"))
    try:
        if args.each_region:
            from central_scorer.stats.analysis import build_region_analyses

            reports = build_region_analyses(centre, grade=args.grade, year=args.year, direction=args.direction,
                                            language=args.language, regions=regions, options=options)
        else:
            reports = [build_analysis(centre, grade=args.grade, year=args.year, direction=args.direction,
                                      region=args.region, language=args.language, regions=regions, options=options)]
    except ContentError as exc:
        raise CliError("message", errors.USAGE, code="invalid", text=str(exc)) from None
    if args.each_region:
        print_json(_clean({"regions": [{"region": r.scope["region"], "reports": [
            str(p) for p in write_analysis(centre, r, langs, args.out)], **summary(r)} for r in reports]}))
        return 0
    paths = write_analysis(centre, reports[0], langs, args.out)
    print_json(_clean({"reports": [str(p) for p in paths], **summary(reports[0])}))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    cal = sub.add_parser("calibrate", help="fit a Rasch, 1PL or 2PL model to a 0/1 responses CSV (MML)")
    cal.add_argument("responses", type=Path,
                     help="CSV: header = item ids, one row per student, 0/1, empty = not presented")
    cal.add_argument("--model", choices=MODELS, default="2pl",
                     help="rasch: a = 1, ability N(0, 1); 1pl: one common slope; 2pl: a slope per item")
    cal.add_argument("--count-column", help="a column holding how many students gave each row")
    cal.add_argument("--quadrature", type=int, default=DEFAULT_QUADRATURE, help="Gauss–Hermite points")
    cal.add_argument("--json", action="store_true", help="print JSON")
    cal.set_defaults(handler=_calibrate, needs_centre=False)

    link = sub.add_parser("link", help="put a variant's calibration on a base variant's scale")
    link.add_argument("base", type=Path, help="calibrate --json output of the base variant")
    link.add_argument("new", type=Path, help="calibrate --json output of the variant to transform")
    link.add_argument("--method", choices=("stocking-lord", "mean-sigma"), default="stocking-lord")
    link.set_defaults(handler=_link, needs_centre=False)

    ana = sub.add_parser("analyse", help="statistical analysis of the stored results (PDF, kk/ru/en)")
    ana.add_argument("--lang", action="append", choices=("kk", "ru", "en"),
                     help="report language (repeat for more; default kk and ru)")
    ana.add_argument("--model", choices=MODELS, default="2pl")
    ana.add_argument("--grade")
    ana.add_argument("--year", type=int, help="one year's results (read from the database for that year only)")
    ana.add_argument("--direction", help="e.g. reading_literacy")
    ana.add_argument("--region")
    ana.add_argument("--each-region", action="store_true",
                     help="one report per region, with its methodological recommendations (§29)")
    ana.add_argument("--language", choices=("kk", "ru"), help="language of instruction")
    ana.add_argument("--regions", type=Path, help="CSV organisation_code,region (overrides the campaign's)")
    ana.add_argument("--flag-bounds", help='JSON, e.g. {"p_min": 0.2, "rpbis_min": 0.2}')
    ana.add_argument("--min-irt-students", type=int, default=100)
    ana.add_argument("--out", type=Path, help="directory for the PDFs (default: DATA_DIR/reports)")
    ana.set_defaults(handler=_analyse)
