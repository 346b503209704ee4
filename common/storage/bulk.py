"""Many rows into one table inside a session's transaction: COPY on PostgreSQL, executemany elsewhere.

For an ingest's tens of thousands of rows, `COPY ... FROM STDIN` took less than half the CPU of
PostgreSQL's `INSERT` executemany in the ingest process and 40% less in the server
(docs/BENCHMARKS.md, "Central ingest"). SQLite has no COPY and an in-process
executemany is already cheap: it gets the table's `INSERT` as the driver's executemany of plain
tuples, with only the columns' own bind processors applied (what Core `insert(table)` would do,
without its per-row parameter bookkeeping). Both paths store the same rows in the same order, so
ids given by the table's sequence follow the order of `rows`.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Sequence

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` (tuples in the order of `columns`) into `table`; columns left out take
    their server default (the id from its sequence)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        statement = insert(table).compile(dialect=dialect, column_keys=list(columns))
        order = [list(columns).index(key) for key in statement.positiontup or ()]
        if order != list(range(len(columns))):  # the INSERT names the columns in the table's order
            rows = [tuple(row[i] for i in order) for row in rows]
            columns = [columns[i] for i in order]
        processors = [table.c[c].type.bind_processor(dialect) for c in columns]
        if any(processors):
            # Column by column: only the columns with a processor are walked in Python (zip(*rows)
            # would make an iterator per row, which the cyclic collector then walks).
            values = [list(map(itemgetter(i), rows)) for i in range(len(columns))]
            for i, p in enumerate(processors):
                if p is not None:
                    values[i] = [v if v is None else p(v) for v in values[i]]
            rows = list(zip(*values))
        connection.exec_driver_sql(str(statement), list(rows))
        return
    quote = dialect.identifier_preparer.quote
    # The driver's own cursor on the session's connection: the same transaction, so a refused
    # or failed ingest rolls the copied rows back with everything else.
    driver = connection.connection.driver_connection
    # Binary COPY when psycopg knows every column's type (it then needs no text to format on
    # this side nor to parse on the server's); text COPY otherwise.
    types = [driver.adapters.types.get(table.c[c].type.compile(dialect=dialect).split("(")[0].lower())
             for c in columns]
    binary = all(types)
    statement = (f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
                 + (" (FORMAT BINARY)" if binary else ""))
    cursor = driver.cursor()
    try:
        with cursor.copy(statement) as copy:
            if binary:
                copy.set_types([t.oid for t in types])
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()
