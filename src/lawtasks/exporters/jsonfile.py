"""The plan as JSON, in the schema of the CLI's `--format json`.

    {"schema": 1,
     "plan": {...PlanView.summary_dict(), "as_of": "2022-06-30", "exported_by": "…",
              "since": "2022-04-01" | null},
     "period": PeriodSummary.as_dict(),      # only with `since`: the period in brief
     "tasks": [TaskView.as_dict(), ...],
     "attention": ["3.1", "2.2", ...],      # red or blocked, then yellow
     "changes": [EventView.as_dict(), ...],  # only when a `since` window was asked for
     "trail": {"events": 1234, "head": "<digest>"} | null}  # the audit trail's head

Text is stored as it is (JSON has no formulas to guard against); keys keep the order of the
`as_dict` methods, so the same view always gives the same bytes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from lawtasks.exporters.content import attention_items
from lawtasks.readmodel import JSON_SCHEMA_VERSION

if TYPE_CHECKING:
    from lawtasks.exporters import ExportRequest


def export_dict(request: ExportRequest) -> dict[str, Any]:
    view = request.view
    urgent, yellow = attention_items(view)
    data: dict[str, Any] = {
        "schema": JSON_SCHEMA_VERSION,
        "plan": {
            **view.summary_dict(),
            "as_of": view.today.isoformat(),
            "exported_by": request.exported_by,
            "since": request.since.isoformat() if request.since else None,
        },
    }
    if request.period is not None:
        # Before the tables, as the prose reports open with it.
        data["period"] = request.period.as_dict()
    data["tasks"] = [task.as_dict() for task in view.tasks]
    data["attention"] = [item.id for item in [*urgent, *yellow]]
    if request.changes is not None:
        data["changes"] = [event.as_dict() for event in request.changes]
    # Last: the trail's head when the file was made, which verify --against reads back.
    data["trail"] = view.trail.as_dict() if view.trail else None
    return data


def render_json(request: ExportRequest) -> str:
    return json.dumps(export_dict(request), ensure_ascii=False, indent=2) + "\n"
