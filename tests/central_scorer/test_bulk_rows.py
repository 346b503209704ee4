"""`insert_rows`: COPY on PostgreSQL, the driver's executemany on SQLite — the same rows either way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from common.storage.bulk import insert_rows
from common.storage.central_models import Response


def test_rows_come_back_as_given_in_any_column_order(centre):
    columns = ("client_ts", "item_id", "answer_json", "seq", "result_id")  # not the table's order
    rows = [(1_747_713_600, "m1", '{"v": "5,5"}', 1, 7),  # an int into a float column
            (0.25, "тест\t\\n", '"a\\"b"\n', 2, 7),  # tab, backslash, quote, newline, Cyrillic
            (2.5, "r1", "null", 3, 8)]
    with centre.tx() as s:
        insert_rows(s, Response.__table__, columns, rows)
        insert_rows(s, Response.__table__, columns, [])  # nothing to do
    with centre.read() as s:
        stored = s.execute(select(Response.client_ts, Response.item_id, Response.answer_json,
                                  Response.seq, Response.result_id).order_by(Response.id)).all()
    assert [tuple(r) for r in stored] == [(1_747_713_600.0, *rows[0][1:]), *rows[1:]]
    assert all(type(r.client_ts) is float for r in stored)


def test_a_failed_transaction_keeps_none_of_the_rows(centre):
    with pytest.raises(RuntimeError), centre.tx() as s:
        insert_rows(s, Response.__table__, ("result_id", "seq", "item_id", "answer_json", "client_ts"),
                    [(1, 1, "r1", "1", 0.0)])
        raise RuntimeError("the ingest fails after the rows were copied")
    with centre.read() as s:
        assert s.scalars(select(Response)).all() == []
