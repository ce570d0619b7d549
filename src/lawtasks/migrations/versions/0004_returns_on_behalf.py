"""Schema version 4: returns applied on behalf of a unit, and the sheets sent to the units.

An event may now name the unit whose return it applies (`for_unit`), so that the actor is
the person who applied it. `issued_sheet` records every 填报 sheet made, so that a returned
sheet is checked against what was sent rather than against its own editable stamp. On
PostgreSQL the row-level security is installed again, as it stands in this version.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from lawtasks.access import install_policies

    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("for_unit", sa.String, nullable=True))
    op.create_table(
        "issued_sheet",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id"), nullable=False, index=True),
        sa.Column("unit", sa.String, nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.Column("made_by", sa.String, nullable=False),
    )
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="4"))
    install_policies(op.get_bind())


def downgrade() -> None:
    op.drop_table("issued_sheet")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("for_unit")
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="3"))
