"""The floor for a lister: a one-file typer + sqlmodel CLI that prints 18 rows.

    python benchmarks/floor_typer_sqlmodel.py DB --create   # once: a table of 18 items
    python benchmarks/floor_typer_sqlmodel.py DB            # timed: print them

What any CLI built on the same libraries pays before it does its own work: importing typer
and sqlmodel, declaring one table, opening SQLite and reading a few rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Field, Session, SQLModel, create_engine, select


class Item(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ref: str
    title: str
    status: str = "not_started"
    progress: int = 0


app = typer.Typer(add_completion=False)


@app.command()
def main(
    db: Annotated[Path, typer.Argument(help="SQLite file")],
    create: Annotated[bool, typer.Option("--create", help="Create it with 18 rows")] = False,
) -> None:
    engine = create_engine(f"sqlite:///{db}")
    if create:
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session:
            for task in range(1, 7):
                for item in range(1, 4):
                    session.add(Item(ref=f"{task}.{item}", title=f"第{task}项任务的第{item}项工作"))
            session.commit()
    with Session(engine) as session:
        for row in session.exec(select(Item).order_by(Item.id)):  # type: ignore[arg-type]
            typer.echo(f"{row.ref:<6} {row.status:<12} {row.progress:>3}%  {row.title}")


if __name__ == "__main__":
    app()
