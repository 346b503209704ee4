"""accommodations on the roster: the extra-time factor and the flags (issue 22)

Revision ID: 0005_i22_accommodations
Revises: 0004
Create Date: 2026-12-02 12:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005_i22_accommodations'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_time_factor', sa.Double(), server_default='1.0',
                                      nullable=False))
        batch_op.add_column(sa.Column('accommodations', sa.String(length=100), server_default='',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.drop_column('accommodations')
        batch_op.drop_column('extra_time_factor')
