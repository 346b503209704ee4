"""the selection records each organisation's inclusion probability

Revision ID: 0007_i19_inclusion
Revises: 0006
Create Date: 2026-12-02 12:50:00

`campaign_organisations.inclusion_probability`: drawn / organisations of the organisation's stratum
(docs/statistics.md, "Weights from the design"). Rows stored before this revision keep NULL; the
population estimates then read the same figure from the campaign's published selection.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007_i19_inclusion'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('campaign_organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inclusion_probability', sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('campaign_organisations', schema=None) as batch_op:
        batch_op.drop_column('inclusion_probability')
