"""cross-year checks between the documents of one agency

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 16:55:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gxcrawl.archive.models

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # derived data only: `gxcrawl quality` / `gxcrawl export` fill it from the reports already in the index
    op.create_table(
        'cross_year_check',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('other_document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('check_id', sa.String(length=8), nullable=False),
        sa.Column('column', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('left', sa.Float(), nullable=True),
        sa.Column('right', sa.Float(), nullable=True),
        sa.Column('identity', sa.Text(), nullable=False),
        sa.Column('report_year', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('other_report_year', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('computed_at', gxcrawl.archive.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                                name=op.f('fk_cross_year_check_document_id_document')),
        sa.ForeignKeyConstraint(['other_document_id'], ['document.id'],
                                name=op.f('fk_cross_year_check_other_document_id_document')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cross_year_check')),
    )
    with op.batch_alter_table('cross_year_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cross_year_check_document_id'), ['document_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cross_year_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cross_year_check_document_id'))
    op.drop_table('cross_year_check')
