"""Schema version 3: users and their units, and on PostgreSQL the row-level security that
enforces who may change what (see lawtasks.access).

Events may now belong to no plan (a change to the users) and name the user they concern.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from lawtasks.access import install_policies

    op.create_table(
        "ledger_user",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("unit", sa.String, nullable=True),
        sa.Column("coordinator", sa.Boolean, nullable=False),
    )
    with op.batch_alter_table("event") as batch:
        batch.alter_column("plan_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("subject", sa.String, nullable=True))
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="3"))
    install_policies(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("subject")
        batch.alter_column("plan_id", existing_type=sa.Integer, nullable=False)
    op.drop_table("ledger_user")
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="2"))
