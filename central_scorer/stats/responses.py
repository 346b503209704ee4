"""Scored response matrices: one row per student (or per response pattern with a count), one column per item.

A cell is 1 (right), 0 (wrong, including an omitted answer the official scoring counts as wrong) or
"not presented" (the item was not in the student's variant), which the likelihood leaves out.

The CSV form, as ``central-scorer calibrate`` reads it::

    r1,r2,m1,m2
    1,0,1,
    0,0,,1

The header holds the item ids; an empty cell means "not presented". With ``count_column`` one column
holds how many students gave that row's pattern (the classic pattern-frequency tables, e.g. LSAT).
Lines starting with ``#`` are comments (a source note); blank lines are skipped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NOT_PRESENTED = -1

_CODES = {"0": 0, "1": 1, "": NOT_PRESENTED}
_BYTES = {"0": 0, "1": 1, "": NOT_PRESENTED & 0xFF}  # int8 -1 as an unsigned byte


class ResponseFormatError(ValueError):
    """The response file is malformed; the message names the line and the column."""


@dataclass(frozen=True, eq=False)
class ResponseMatrix:
    """Dichotomous responses: ``values[i, j]`` is 0, 1 or ``NOT_PRESENTED``; row ``i`` stands for
    ``weights[i]`` students (1 for a plain one-row-per-student file)."""

    item_ids: tuple[str, ...]
    values: np.ndarray  # int8 (rows, items)
    weights: np.ndarray  # float64 (rows,)

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.values.shape[1] != len(self.item_ids):
            raise ValueError(f"values must be (rows, {len(self.item_ids)}), not {self.values.shape}")
        if self.weights.shape != (self.values.shape[0],):
            raise ValueError("weights must have one entry per row")
        if len(set(self.item_ids)) != len(self.item_ids):
            raise ValueError("item ids must be unique")

    @classmethod
    def from_array(cls, values: np.ndarray, item_ids: list[str] | tuple[str, ...] | None = None,
                   weights: np.ndarray | None = None) -> ResponseMatrix:
        """From an array of 0/1 with NaN (or -1) for "not presented"."""
        arr = np.asarray(values)
        if arr.dtype.kind == "f":
            out = np.where(np.isnan(arr), NOT_PRESENTED, arr)
        else:
            out = arr
        if not np.isin(out, (0, 1, NOT_PRESENTED)).all():
            raise ValueError("responses must be 0, 1 or not presented")
        ids = tuple(item_ids) if item_ids is not None else tuple(f"i{j + 1}" for j in range(arr.shape[1]))
        w = np.ones(arr.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
        return cls(ids, out.astype(np.int8), w)

    @property
    def n_rows(self) -> int:
        return self.values.shape[0]

    @property
    def n_items(self) -> int:
        return self.values.shape[1]

    @property
    def n_students(self) -> float:
        return float(self.weights.sum())

    @property
    def presented(self) -> np.ndarray:
        return self.values != NOT_PRESENTED

    def as_float(self) -> np.ndarray:
        """0.0/1.0 with NaN where not presented."""
        out = self.values.astype(np.float64)
        out[self.values == NOT_PRESENTED] = np.nan
        return out

    def select(self, item_ids: list[str] | tuple[str, ...]) -> ResponseMatrix:
        index = {item: j for j, item in enumerate(self.item_ids)}
        cols = [index[i] for i in item_ids]
        return ResponseMatrix(tuple(item_ids), self.values[:, cols], self.weights)

    def rows(self, mask: np.ndarray) -> ResponseMatrix:
        return ResponseMatrix(self.item_ids, self.values[mask], self.weights[mask])


def read_responses_csv(source: Path | str, count_column: str | None = None) -> ResponseMatrix:
    """Read a responses CSV (a path, or the text itself when ``source`` is a ``str`` with a newline).

    Raises ``ResponseFormatError`` naming the line and column of the first bad cell.
    """
    if isinstance(source, str) and "\n" in source:
        text = source
        name = "<text>"
    else:
        path = Path(source)
        name = str(path)
        try:
            text = path.read_text("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ResponseFormatError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    header_line = 0
    for row in reader:
        header_line = reader.line_num
        if row and row[0].lstrip().startswith("#"):
            continue
        if any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            break
    if header is None:
        raise ResponseFormatError(f"{name}: empty file (expected a header of item ids)")
    for col, cell in enumerate(header, 1):
        if not cell:
            raise ResponseFormatError(f"{name}: line {header_line}, column {col}: empty item id in the header")
    seen: set[str] = set()
    for cell in header:
        if cell in seen:
            raise ResponseFormatError(f"{name}: line {header_line}: item id {cell!r} appears twice in the header")
        seen.add(cell)
    count_at = None
    if count_column is not None:
        if count_column not in header:
            raise ResponseFormatError(f"{name}: line {header_line}: no column {count_column!r} for the counts")
        count_at = header.index(count_column)
    item_cols = [j for j in range(len(header)) if j != count_at]
    if not item_cols:
        raise ResponseFormatError(f"{name}: line {header_line}: no item columns")
    item_ids = tuple(header[j] for j in item_cols)
    width = len(header)

    rows: list[bytes] = []
    weights: list[float] = []
    lookup = _BYTES.__getitem__
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()) or row[0].startswith("#"):
            continue  # blank line or comment
        line = reader.line_num
        if len(row) != width:
            raise ResponseFormatError(f"{name}: line {line}: {len(row)} fields, the header has {width}")
        if count_at is not None:
            raw = row[count_at].strip()
            try:
                count = float(raw)
            except ValueError:
                count = -1.0
            if not (count >= 0 and count == int(count)):
                raise ResponseFormatError(
                    f"{name}: line {line}, column {count_column!r}: count must be a whole number ≥ 0, not {raw!r}")
            weights.append(count)
            cells = [row[j] for j in item_cols]
        else:
            cells = row
        try:
            rows.append(bytes(map(lookup, cells)))
        except KeyError:
            for j, cell in zip(item_cols, cells):
                if cell.strip() not in _BYTES:
                    raise ResponseFormatError(
                        f"{name}: line {line}, column {header[j]!r}: expected 0, 1 or empty "
                        f"(not presented), got {cell!r}") from None
            rows.append(bytes(lookup(c.strip()) for c in cells))
    if not rows:
        raise ResponseFormatError(f"{name}: no response rows after the header")
    values = np.frombuffer(b"".join(rows), dtype=np.int8).reshape(len(rows), len(item_ids)).copy()
    w = np.asarray(weights, dtype=np.float64) if count_at is not None else np.ones(len(rows))
    return ResponseMatrix(item_ids, values, w)


def write_responses_csv(matrix: ResponseMatrix, path: Path) -> None:
    """The CSV form of ``matrix`` (one row per row; weights other than 1 are not written)."""
    symbols = {0: "0", 1: "1", NOT_PRESENTED: ""}
    lines = [",".join(matrix.item_ids)]
    lines += [",".join(symbols[int(v)] for v in row) for row in matrix.values]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
