"""Schema version 6: the supervision cycle (督查督办).

- `reporting_round`: a plan's reporting rounds (one a month by default, due on the 25th),
  opened and closed by a coordinator; `round_return`: which unit answered which round, when,
  and whether late.
- `evidence_file` holds each stored file once, addressed by its SHA-256; `evidence` links a
  file to an item under the name it was attached with (佐证材料).
- `item.signed_off_at` / `signed_off_by`: a coordinator's 销号 of a done item; `plan.signoff`
  says whether the plan asks for it, `plan.round_day` on which day a round's returns are
  due, `plan.evidence_limit` the largest file a plan stores (bytes).
- `milestone`: an item's expected progress by a date (每季度的形象进度), or a text.

Revision ID: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from lawtasks.access import install_policies

    # Plain ADD COLUMN, not a batch: a batch may rebuild the table, and SQLite will not
    # drop a table the others refer to while foreign keys are enforced.
    op.add_column(
        "plan", sa.Column("signoff", sa.Boolean, nullable=False, server_default=sa.text("1"))
    )
    op.add_column("plan", sa.Column("round_day", sa.Integer, nullable=False, server_default="25"))
    op.add_column(
        "plan",
        sa.Column("evidence_limit", sa.Integer, nullable=False, server_default="20971520"),
    )
    op.add_column("item", sa.Column("signed_off_at", UTCDateTime(), nullable=True))
    op.add_column("item", sa.Column("signed_off_by", sa.String, nullable=True))
    op.create_table(
        "reporting_round",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id"), nullable=False, index=True),
        sa.Column("period", sa.String, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("opened_by", sa.String, nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String, nullable=True),
        sa.UniqueConstraint("plan_id", "period"),
    )
    op.create_table(
        "round_return",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_id", sa.Integer, sa.ForeignKey("reporting_round.id"), nullable=False, index=True
        ),
        sa.Column("unit", sa.String, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by", sa.String, nullable=False),
        sa.Column("batch", sa.String, nullable=False),
        sa.Column("late", sa.Boolean, nullable=False),
    )
    op.create_table(
        "evidence_file",
        sa.Column("sha256", sa.String, primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id"), nullable=False, index=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id"), nullable=False, index=True),
        sa.Column("sha256", sa.String, sa.ForeignKey("evidence_file.sha256"), nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("added_by", sa.String, nullable=False),
        sa.Column("batch", sa.String, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
    )
    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id"), nullable=False, index=True),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("progress", sa.Integer, nullable=True),
        sa.Column("text", sa.Text, nullable=True),
    )
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="6"))
    install_policies(op.get_bind())


def downgrade() -> None:
    for table in ("milestone", "evidence", "evidence_file", "round_return", "reporting_round"):
        op.drop_table(table)
    with op.batch_alter_table("item") as batch:
        batch.drop_column("signed_off_by")
        batch.drop_column("signed_off_at")
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("evidence_limit")
        batch.drop_column("round_day")
        batch.drop_column("signoff")
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="5"))
