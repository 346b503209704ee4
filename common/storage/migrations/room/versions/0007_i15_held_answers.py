"""late answers held apart (issue 15): answers after the deadline and grace wait for the
representative; a workstation's latest silence is kept to show beside them

Revision ID: 0007_i15_held_answers
Revises: 0006_i15_enrolment
Create Date: 2026-12-02 16:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import common.storage.base


# revision identifiers, used by Alembic.
revision: str = '0007_i15_held_answers'
down_revision: Union[str, Sequence[str], None] = '0006_i15_enrolment'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'held_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.String(length=36), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.String(length=64), nullable=False),
        sa.Column('answer_json', sa.Text(), nullable=False),
        sa.Column('client_ts', sa.Double(), nullable=False),
        sa.Column('received_at', common.storage.base.UTCDateTime(), nullable=False),
        sa.Column('offline_from', common.storage.base.UTCDateTime(), nullable=True),
        sa.Column('offline_until', common.storage.base.UTCDateTime(), nullable=True),
        sa.Column('decision', sa.Enum('held', 'accepted', 'rejected', name='latedecision',
                                      native_enum=False, length=32), nullable=False),
        sa.Column('decided_at', common.storage.base.UTCDateTime(), nullable=True),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_held_answers_attempt_id_attempts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_held_answers')),
        sa.UniqueConstraint('attempt_id', 'seq', name=op.f('uq_held_answers_attempt_id')),
    )
    with op.batch_alter_table('held_answers') as batch:
        batch.create_index(batch.f('ix_held_answers_attempt_id'), ['attempt_id'], unique=False)
    with op.batch_alter_table('workstations') as batch:
        batch.add_column(sa.Column('silent_from', common.storage.base.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('silent_until', common.storage.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workstations') as batch:
        batch.drop_column('silent_until')
        batch.drop_column('silent_from')
    with op.batch_alter_table('held_answers') as batch:
        batch.drop_index(batch.f('ix_held_answers_attempt_id'))
    op.drop_table('held_answers')
