"""issue 15: a received bundle's audit status (ok, or why the room's log is flagged), and start
codes kept sealed under the centre's data key (the column widened for the sealed form)

Revision ID: 0008_i15_security
Revises: 0007_i19_inclusion
Create Date: 2026-12-02 13:05:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008_i15_security'
down_revision: Union[str, Sequence[str], None] = '0007_i19_inclusion'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('bundles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_status', sa.String(length=300), nullable=True))
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.alter_column('start_code', existing_type=sa.String(length=16),
                              type_=sa.String(length=200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.alter_column('start_code', existing_type=sa.String(length=200),
                              type_=sa.String(length=16), existing_nullable=False)
    with op.batch_alter_table('bundles', schema=None) as batch_op:
        batch_op.drop_column('audit_status')
