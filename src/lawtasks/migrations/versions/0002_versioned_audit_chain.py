"""Schema version 2: a meta table with the schema version, and the audit hash chain.

Existing events get their digests computed in order, so that `lawtasks verify` holds from
the first event on.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = (
    "id", "plan_id", "task_id", "item_id", "note_id", "batch", "actor", "at", "action",
    "field", "old", "new", "reverts",
)  # fmt: skip


def upgrade() -> None:
    # The chain's rule is lawtasks.audit's; a later change to it needs a migration of its own.
    from lawtasks.audit import GENESIS, digest

    op.create_table(
        "meta",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.String, nullable=False),
    )
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("digest", sa.String, nullable=False, server_default=""))

    event = sa.table(
        "event",
        *[sa.column(name, UTCDateTime() if name == "at" else None) for name in COLUMNS],
        sa.column("digest"),
    )
    connection = op.get_bind()
    previous = GENESIS
    rows = connection.execute(sa.select(*[event.c[name] for name in COLUMNS]).order_by(event.c.id))
    digests = []
    for row in rows.all():
        previous = digest(previous, row)  # type: ignore[arg-type]
        digests.append({"event_id": row.id, "digest": previous})
    if digests:
        connection.execute(
            event.update()
            .where(event.c.id == sa.bindparam("event_id"))
            .values(digest=sa.bindparam("digest")),
            digests,
        )
    meta = sa.table("meta", sa.column("key"), sa.column("value"))
    op.bulk_insert(meta, [{"key": "schema_version", "value": "2"}])


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("digest")
    op.drop_table("meta")
