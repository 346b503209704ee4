"""The score store, read: what the public page, the reports, the exports and the statistics
(`central_scorer/stats/`) query. Every function here is one SQL statement grouped or filtered in
the database, never a loop over responses in Python; nothing builds a parameter list of results.

Tables (docs/scaling.md, "The score store"):

* ``results`` — one row per student of a bundle: ``status`` scored | absent | voided, ``score`` and
  ``max_score`` (the centre's own), and the dimensions ``year``, ``cycle``, ``grade``,
  ``test_language``, ``monitoring_day``, ``region``, ``district``, ``territory``, ``org_type``,
  ``org_language``, ``campaign_id`` (NULL where the organisation has no campaign record);
* ``direction_scores`` — (``result_id``, ``direction``) → ``score``, ``max_score``;
* ``item_scores`` — (``result_id``, ``item``) → ``position``, ``score``, ``status`` (0 answered,
  1 omitted, 2 not reached); ``scored_items`` names each ``item``: ``item_id``, ``direction``,
  ``points``, ``type``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session

from common.storage.central_models import DirectionScore, ItemScore, Result, ScoredItem

# The dimensions a published table may group by, and the column each one is.
DIMENSIONS = {
    "region": Result.region, "district": Result.district, "territory": Result.territory,
    "type": Result.org_type, "org_language": Result.org_language, "language": Result.test_language,
}
SCORED = Result.status == "scored"


def cohorts(session: Session) -> list[tuple[int, str, int]]:
    """(year, grade, scored students) of every year and grade with a scored result."""
    rows = session.execute(select(Result.year, Result.grade, func.count())
                           .where(SCORED, Result.year.is_not(None), Result.grade.is_not(None))
                           .group_by(Result.year, Result.grade).order_by(Result.year, Result.grade))
    return [(int(y), str(g), int(n)) for y, g, n in rows]


def _dimension(by: str | None):
    if by is None:
        return literal("*")
    if by == "organisation":
        return Result.organisation_code
    return DIMENSIONS[by]


def percent_sums(session: Session, year: int, grade: str, by: str | None = None,
                 **where: Any) -> list[tuple[Any, int, float]]:
    """(group, students, sum of their percents) of the scored results of one year and grade,
    grouped by a dimension (None: all together). `where`: dimension=value filters."""
    key = _dimension(by)
    query = (select(key, func.count(), func.sum(100.0 * Result.score / Result.max_score))
             .where(SCORED, Result.year == year, Result.grade == grade, Result.max_score > 0))
    query = _filtered(query, where).group_by(key)
    return [(k, int(n), float(total or 0)) for k, n, total in session.execute(query)]


def direction_sums(session: Session, year: int, grade: str, by: str | None = None,
                   **where: Any) -> list[tuple[Any, str, int, float]]:
    """(group, direction, students, sum of their percents in the direction) for one year and grade."""
    key = _dimension(by)
    query = (select(key, DirectionScore.direction, func.count(),
                    func.sum(100.0 * DirectionScore.score / DirectionScore.max_score))
             .join(Result, Result.id == DirectionScore.result_id)
             .where(SCORED, Result.year == year, Result.grade == grade, DirectionScore.max_score > 0))
    query = _filtered(query, where).group_by(key, DirectionScore.direction)
    return [(k, d, int(n), float(total or 0)) for k, d, n, total in session.execute(query)]


def _filtered(query: Select, where: dict[str, Any]) -> Select:
    for name, value in where.items():
        column = Result.organisation_code if name == "organisation" else DIMENSIONS[name]
        query = query.where(column == value if value is not None else column.is_(None))
    return query


def item_scores(year: int, grade: str, direction: str | None = None) -> Select:
    """Long form, one row per scored student and item shown, ordered by student: result_id,
    item_id, direction, points (the item's maximum), position, score, status, and the student's
    dimensions. Stream it with ``session.execute(query).yield_per(n)``."""
    query = (select(ItemScore.result_id, ScoredItem.item_id, ScoredItem.direction, ScoredItem.points,
                    ItemScore.position, ItemScore.score, ItemScore.status, Result.organisation_code,
                    Result.test_language, Result.region, Result.district, Result.territory,
                    Result.org_type, Result.org_language, Result.exam_id)
             .join(ScoredItem, ScoredItem.id == ItemScore.item)
             .join(Result, Result.id == ItemScore.result_id)
             .where(SCORED, Result.year == year, Result.grade == grade))
    if direction is not None:
        query = query.where(ScoredItem.direction == direction)
    return query.order_by(ItemScore.result_id, ItemScore.position)


@dataclass
class ItemMatrix:
    """Students × items of one year and grade (and direction): points, NaN where not shown."""

    item_ids: list[str]
    points: list[float]
    result_ids: list[int] = field(default_factory=list)
    scores: Any = None  # numpy float64 (students × items)
    status: Any = None  # numpy int8, 3 where not shown (stats.items.NOT_PRESENTED)
    students: list[dict[str, Any]] = field(default_factory=list)  # each row's dimensions


def item_matrix(session: Session, year: int, grade: str, direction: str | None = None,
                batch: int = 50_000) -> ItemMatrix:
    """The wide form for statistics, built from a stream (memory: the matrix, not the rows)."""
    import numpy as np

    items = list(session.execute(
        select(ScoredItem.item_id, ScoredItem.points).where(ScoredItem.id.in_(
            select(ItemScore.item).join(Result, Result.id == ItemScore.result_id)
            .where(SCORED, Result.year == year, Result.grade == grade).distinct()))
        .where(ScoredItem.direction == direction if direction else literal(True))
        .order_by(ScoredItem.item_id)))
    column = {item_id: j for j, (item_id, _) in enumerate(items)}
    out = ItemMatrix([i for i, _ in items], [float(p) for _, p in items])
    chunks_s, chunks_t = [], []
    shared: dict = {}
    last = None
    # Core rows from a server-side cursor, a partition at a time: the rows are turned into columns
    # and scattered into the matrix with numpy (no per-row Python beyond the item's column)
    stream = session.connection().execute(item_scores(year, grade, direction).execution_options(yield_per=batch))
    for part in stream.partitions(batch):
        cols = list(zip(*part))
        rid = np.fromiter(cols[0], dtype=np.int64, count=len(part))
        new = np.ones(len(part), dtype=bool)
        new[1:] = rid[1:] != rid[:-1]
        if last is not None:
            new[0] = rid[0] != last
        starts = np.flatnonzero(new)
        for k in starts.tolist():  # one student's dimensions, each value kept once
            r = part[k]
            out.result_ids.append(r[0])
            out.students.append({name: shared.setdefault(r[i], r[i]) for name, i in (
                ("organisation_code", 7), ("language", 8), ("region", 9), ("district", 10), ("territory", 11),
                ("type", 12), ("org_language", 13), ("variant", 14))})
        group = np.cumsum(new)  # 1, 2, …: the partition's new students; 0: the previous one's last rows
        block_s = np.full((len(starts), len(items)), np.nan)
        block_t = np.full((len(starts), len(items)), 3, dtype=np.int8)
        j = np.fromiter((column[i] for i in cols[1]), dtype=np.int64, count=len(part))
        score = np.fromiter(cols[5], dtype=np.float64, count=len(part))
        state = np.fromiter(cols[6], dtype=np.int8, count=len(part))
        carried = group == 0
        if carried.any():
            chunks_s[-1][-1, j[carried]] = score[carried]
            chunks_t[-1][-1, j[carried]] = state[carried]
        body = ~carried
        block_s[group[body] - 1, j[body]] = score[body]
        block_t[group[body] - 1, j[body]] = state[body]
        if len(starts):
            chunks_s.append(block_s)
            chunks_t.append(block_t)
        last = int(rid[-1])
    out.scores = np.vstack(chunks_s) if chunks_s else np.empty((0, len(items)))
    out.status = np.vstack(chunks_t) if chunks_t else np.empty((0, len(items)), dtype=np.int8)
    return out


def organisation_rows(session: Session, organisation_code: str, year: int, grade: str) -> Iterator[Result]:
    """Every result (scored, absent, voided) of one organisation's grade in one year."""
    yield from session.scalars(select(Result).where(
        Result.organisation_code == organisation_code, Result.year == year, Result.grade == grade))


def cohort_tables(session: Session, dimensions: tuple[str, ...]) -> tuple[list[tuple], list[tuple]]:
    """Every year and grade at once, overall and by each of `dimensions`:

    * (year, grade, dimension or None, key, students, sum of percents)
    * (year, grade, dimension or None, key, direction, students, sum of percents in the direction)

    On PostgreSQL one scan of each table (GROUPING SETS); elsewhere one query per dimension. This
    is what the public page is built from: a handful of scans, not a query per year, grade and table.
    """
    columns = [DIMENSIONS[d] for d in dimensions]
    percent = 100.0 * Result.score / Result.max_score
    in_direction = 100.0 * DirectionScore.score / DirectionScore.max_score
    scored = (SCORED, Result.max_score > 0, Result.year.is_not(None), Result.grade.is_not(None))
    if session.get_bind().dialect.name == "postgresql":
        return (_grouping_sets(session, columns, dimensions, [func.count(), func.sum(percent)], [], scored),
                _grouping_sets(session, columns, dimensions, [func.count(), func.sum(in_direction)],
                               [DirectionScore.direction], (*scored, DirectionScore.max_score > 0)))
    overall, by_direction = [], []
    for name, column in [(None, literal("*")), *zip(dimensions, columns)]:
        for row in session.execute(select(Result.year, Result.grade, column, func.count(), func.sum(percent))
                                   .where(*scored).group_by(Result.year, Result.grade, column)):
            overall.append((row[0], row[1], name, row[2], int(row[3]), float(row[4] or 0)))
        for row in session.execute(
                select(Result.year, Result.grade, column, DirectionScore.direction, func.count(),
                       func.sum(in_direction)).join(Result, Result.id == DirectionScore.result_id)
                .where(*scored, DirectionScore.max_score > 0)
                .group_by(Result.year, Result.grade, column, DirectionScore.direction)):
            by_direction.append((row[0], row[1], name, row[2], row[3], int(row[4]), float(row[5] or 0)))
    return overall, by_direction


def _grouping_sets(session: Session, columns: list, dimensions: tuple[str, ...], measures: list,
                   extra: list, where: tuple) -> list[tuple]:
    from sqlalchemy import tuple_

    base = [Result.year, Result.grade, *extra]
    sets = [tuple_(*base)] + [tuple_(*base, c) for c in columns]
    flags = [func.grouping(c) for c in columns]  # 0: grouped by this column in the row's set
    query = select(*base, *columns, *flags, *measures).where(*where).group_by(func.grouping_sets(*sets))
    if extra:
        query = query.join(Result, Result.id == DirectionScore.result_id)
    out = []
    width = len(columns)
    for row in session.execute(query):
        head = row[:len(base)]
        keys, grouped = row[len(base):len(base) + width], row[len(base) + width:len(base) + 2 * width]
        n, total = row[-2], row[-1]
        which = next((i for i, g in enumerate(grouped) if g == 0), None)
        name, key = (None, "*") if which is None else (dimensions[which], keys[which])
        out.append((head[0], head[1], name, key, *head[2:], int(n), float(total or 0)))
    return out
