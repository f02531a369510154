"""portal metadata: name, level and region code of each crawled portal

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-10 09:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


import gxcrawl.archive.models

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # filled by the next crawl (Archive.record_portals); until then the export falls back to the bundled registry
    op.create_table('portal',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=32), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('updated_at', gxcrawl.archive.models.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal'))
    )


def downgrade() -> None:
    op.drop_table('portal')
