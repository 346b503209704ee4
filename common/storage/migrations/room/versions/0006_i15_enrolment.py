"""workstation enrolment (issue 15): each kiosk PC's credential, kept as its SHA-256

Revision ID: 0006_i15_enrolment
Revises: 0005_i22_accommodations
Create Date: 2026-12-02 12:55:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import common.storage.base


# revision identifiers, used by Alembic.
revision: str = '0006_i15_enrolment'
down_revision: Union[str, Sequence[str], None] = '0005_i22_accommodations'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'enrolments',
        sa.Column('workstation_id', sa.String(length=64), nullable=False),
        sa.Column('credential_sha256', sa.String(length=64), nullable=False),
        sa.Column('enrolled_at', common.storage.base.UTCDateTime(), nullable=False),
        sa.Column('enrolled_by', sa.String(length=64), nullable=False),
        sa.Column('revoked_at', common.storage.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('workstation_id'),
        sa.UniqueConstraint('credential_sha256'),
    )


def downgrade() -> None:
    op.drop_table('enrolments')
