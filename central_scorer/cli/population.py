"""`central-scorer national`: the National report's tables of one year and grade (population
estimates with standard errors, docs/statistics.md) as PDF and XLSX in kk and ru (and en)."""

from __future__ import annotations

import argparse

from central_scorer.cli.output import print_json
from common.cli import errors
from common.cli.errors import CliError

DIRECTIONS = ("reading_literacy", "mathematical_literacy", "science_literacy")


def _national(args: argparse.Namespace, centre) -> int:
    from sqlalchemy.exc import OperationalError

    from common.i18n import t
    from central_scorer.reports.national import make_national_report
    from central_scorer.stats.population.data import NoSample
    from central_scorer.stats.population.design import DesignError
    from central_scorer.stats.population.scale import ScaleError, parse_cuts

    langs = tuple(args.lang or ("kk", "ru"))
    try:
        cuts = parse_cuts(args.cuts) if args.cuts else None
        directions = [args.direction] if args.direction else _directions(centre, args.year, args.grade)
        out = []
        for direction in directions:
            done = make_national_report(centre, args.year, args.grade, direction, langs=langs, cuts=cuts,
                                        count=args.plausible_values)
            national = next(tb for tb in done.report.tables if tb.dimensions == ("region",)).rows[-1]
            out.append({"direction": direction, "files": [str(p) for p in done.files],
                        "base_year": done.report.base_year, "scale_made": done.made_scale,
                        "students": done.report.students, "organisations": done.report.organisations,
                        "mean": national.mean, "se": national.se, "linking_error": done.report.linking_error})
    except (NoSample, ScaleError, DesignError) as exc:
        raise CliError("message", errors.USAGE, code=type(exc).__name__,
                       text=t("national.error", langs[0], reason=str(exc))) from None
    except OperationalError:
        raise CliError("message", errors.USAGE, code="database_unreachable",
                       text=t("national.error", langs[0], reason="the centre's database cannot be read")) from None
    print_json({"year": args.year, "grade": args.grade, "reports": out})
    return 0


def _directions(centre, year: int, grade: str) -> list[str]:
    from sqlalchemy import select

    from common.storage.central_models import DirectionScore, Result

    with centre.read() as s:
        found = set(s.scalars(select(DirectionScore.direction).join(Result, Result.id == DirectionScore.result_id)
                              .where(Result.year == year, Result.grade == grade).distinct()))
    return sorted(found, key=lambda d: (DIRECTIONS.index(d) if d in DIRECTIONS else 9, d)) or list(DIRECTIONS[:1])


def register(sub: argparse._SubParsersAction) -> None:
    nat = sub.add_parser("national", help="the National report's tables: population estimates with SEs (PDF, XLSX)")
    nat.add_argument("--year", type=int, required=True)
    nat.add_argument("--grade", required=True)
    nat.add_argument("--direction", help="one direction (default: every direction scored that year)")
    nat.add_argument("--cuts", help="the levels' cut scores on the reporting scale, e.g. 400,475,550,625 (kept)")
    nat.add_argument("--plausible-values", type=int, default=5)
    nat.add_argument("--lang", action="append", choices=("kk", "ru", "en"),
                     help="report language (repeat for more; default kk and ru)")
    nat.set_defaults(handler=_national)
