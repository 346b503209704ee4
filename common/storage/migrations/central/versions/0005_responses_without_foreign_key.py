"""responses.result_id without a foreign key: PostgreSQL checked it once per copied row

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 14:40:00.000000

The check was ~80% of the PostgreSQL server's CPU in an ingest (a trigger and a row lock on the
result for each of ~66 responses per attempt; docs/BENCHMARKS.md, "Central ingest"). The only
writer, `central_scorer.ingest.bundles`, gives each response the id of the result it has just inserted in
the same transaction, and deletes a superseded result's responses with it.
"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_responses_result_id_results'), type_='foreignkey')


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_responses_result_id_results'), 'results',
                                    ['result_id'], ['id'], ondelete='CASCADE')
