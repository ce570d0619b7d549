"""The first schema: plan, task, item, note and event.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String, nullable=False, unique=True, index=True),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("goal", sa.Text, nullable=False),
        sa.Column("heading", sa.String, nullable=False),
        sa.Column("source_name", sa.String, nullable=False),
        sa.Column("published", sa.Date),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id"), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("numeral", sa.String, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("lead_unit", sa.String),
        sa.Column("assisting_units", sa.String),
        sa.UniqueConstraint("plan_id", "seq"),
    )
    op.create_table(
        "item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id"), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("lead_unit", sa.String),
        sa.Column("assisting_units", sa.String),
        sa.Column("responsible_person", sa.String),
        sa.Column("due", sa.Date),
        sa.Column("target", sa.String),
        sa.Column("updated_at", UTCDateTime()),
        sa.Column("updated_by", sa.String),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("task_id", "seq"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        sa.CheckConstraint(
            "status IN ('not_started', 'in_progress', 'done', 'blocked')", name="status_known"
        ),
    )
    op.create_table(
        "note",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id"), nullable=False, index=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id"), index=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id"), index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retracted", sa.Boolean, nullable=False),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id"), nullable=False, index=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id")),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id"), index=True),
        sa.Column("note_id", sa.Integer, sa.ForeignKey("note.id")),
        sa.Column("batch", sa.String, nullable=False, index=True),
        sa.Column("actor", sa.String, nullable=False, index=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("field", sa.String),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("reverts", sa.String, index=True),
    )


def downgrade() -> None:
    for table in ("event", "note", "item", "task", "plan"):
        op.drop_table(table)
