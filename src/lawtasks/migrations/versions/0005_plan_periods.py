"""Schema version 5: a plan's period, its 序时进度 tolerance, and its standing.

`end_date` is when the plan's period ends: an item whose text names no deadline is due
then (31 December of the plan year unless set otherwise; the column may be empty, meaning
that, because making it NOT NULL would rebuild a table every other one refers to).
`tolerance` is how many percentage points an item's progress may lag the share of its
time that has passed before it turns yellow. `state` is active, archived (kept, but never
chosen by default) or removed (gone from every list; its rows stay because the trail,
which is never rewritten, refers to them). The plan commands use by default is recorded
in meta (`plan_in_use`): an upgraded ledger keeps using the plan it used before, the
newest.

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from lawtasks.access import install_policies

    with op.batch_alter_table("plan") as batch:
        batch.add_column(sa.Column("end_date", sa.Date, nullable=True))
        batch.add_column(sa.Column("tolerance", sa.Integer, nullable=False, server_default="10"))
        batch.add_column(sa.Column("state", sa.String, nullable=False, server_default="active"))
    connection = op.get_bind()
    plan = sa.table(
        "plan",
        sa.column("id", sa.Integer),
        sa.column("slug", sa.String),
        sa.column("year", sa.Integer),
        sa.column("end_date", sa.Date),
    )
    rows = connection.execute(
        sa.select(plan.c.id, plan.c.slug, plan.c.year).order_by(
            plan.c.year.desc(), plan.c.id.desc()
        )
    ).all()
    import datetime

    for plan_id, _, year in rows:
        connection.execute(
            plan.update().where(plan.c.id == plan_id).values(end_date=datetime.date(year, 12, 31))
        )
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    if rows:
        op.execute(meta.insert().values(key="plan_in_use", value=rows[0][1]))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="5"))
    install_policies(connection)


def downgrade() -> None:
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.execute(meta.delete().where(meta.c.key == "plan_in_use"))
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("state")
        batch.drop_column("tolerance")
        batch.drop_column("end_date")
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="4"))
