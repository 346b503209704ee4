"""The responses CSV of `central-scorer calibrate`: what it accepts, and errors that name line and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from central_scorer.cli.main import main
from central_scorer.stats.responses import NOT_PRESENTED, ResponseFormatError, read_responses_csv


def test_reads_rows_items_and_not_presented(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("# source: simulated\nq1,q2,q3\n1,0,\n0,,1\n\n 1 ,1,0\n", encoding="utf-8")
    m = read_responses_csv(path)
    assert m.item_ids == ("q1", "q2", "q3")
    assert m.values.tolist() == [[1, 0, NOT_PRESENTED], [0, NOT_PRESENTED, 1], [1, 1, 0]]
    assert m.weights.tolist() == [1, 1, 1]
    assert np.isnan(m.as_float()[0, 2])


def test_count_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("a,n,b\n1,3,0\n0,2,1\n", encoding="utf-8")
    m = read_responses_csv(path, count_column="n")
    assert m.item_ids == ("a", "b") and m.weights.tolist() == [3, 2] and m.n_students == 5


@pytest.mark.parametrize("text, count, message", [
    ("", None, "empty file"),
    ("q1,q2\n", None, "no response rows"),
    ("q1,,q3\n1,0,1\n", None, "line 1, column 2: empty item id"),
    ("q1,q1\n1,0\n", None, "item id 'q1' appears twice"),
    ("q1,q2\n1,0\n1\n", None, "line 3: 1 fields, the header has 2"),
    ("q1,q2\n1,0\n0,2\n", None, "line 3, column 'q2': expected 0, 1 or empty"),
    ("q1,q2\n1,0\n0,yes\n", None, "got 'yes'"),
    ("q1,n\n1,2.5\n", "n", "line 2, column 'n': count must be a whole number"),
    ("q1,q2\n1,0\n", "n", "no column 'n'"),
])
def test_bad_input_is_named(tmp_path: Path, text: str, count: str | None, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ResponseFormatError, match=message.replace("(", r"\(")):
        read_responses_csv(path, count_column=count)


def test_cli_reports_bad_input_and_exits_2(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("q1,q2\n1,0\n0,x\n", encoding="utf-8")
    assert main(["calibrate", str(path), "--model", "rasch"]) == 2
    assert "line 3, column 'q2'" in capsys.readouterr().err
    assert main(["calibrate", str(tmp_path / "missing.csv")]) == 5  # not found (docs/cli.md)
    assert "no such file" in capsys.readouterr().err


def test_cli_reports_items_it_cannot_estimate(tmp_path: Path, capsys) -> None:
    path = tmp_path / "r.csv"
    path.write_text("q1,q2,q3\n1,0,1\n1,1,0\n1,0,0\n", encoding="utf-8")
    assert main(["calibrate", str(path), "--model", "2pl", "--json"]) == 2
    assert "q1 (everybody right)" in capsys.readouterr().err
