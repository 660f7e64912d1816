"""The preview and the import.

1. `import_preview` reads: the header row found, the mapping (remembered or guessed unless
   given), and a plan per row (`validation.row_plan`) checked against what Navigator holds,
   loaded in a fixed number of queries. It writes nothing.
2. `import_run` writes, in one transaction: it takes the mapping's row lock first (so two
   supervisors confirming the same file take turns and the second finds the first one's
   cases), plans again from what the database holds now, and opens each case to create through
   `cases.workflow.services.case_open` as intake does (timeline, audit), on the day it was
   opened. Each step the sheet says was done is then marked done on its day through
   `step_set_status`, in date order, so the next stage starts and its due date is counted from
   that day exactly as if the social worker had pressed the button then. A row the workflow
   refuses is refused alone (a savepoint each); matched rows are left as they are.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.audit import audit_record
from cases.imports.mapping import (
    FIELDS_BY_NAME,
    MappingError,
    header_row_index,
    mapping_check,
    mapping_guess,
    mapping_remember,
)
from cases.imports.reading import Sheet
from cases.imports.validation import (
    MATCH,
    REFUSE,
    RowPlan,
    context_load,
    row_plan,
)
from cases.models import AuditEvent, Insurance, Stage, Step
from cases.workflow import services as workflow


@dataclass
class ImportPreview:
    headers: list[str]
    columns: list[str]
    header_row: int
    rows: list[RowPlan]
    mapping_problem: str = ""

    def count(self, outcome: str) -> int:
        return sum(plan.outcome == outcome for plan in self.rows)


@dataclass
class ImportResult:
    # [(row number, case id)]
    created: list[tuple[int, int]] = field(default_factory=list)
    skipped: list[tuple[int, int, str]] = field(default_factory=list)
    refused: list[tuple[int, list[str]]] = field(default_factory=list)

    def as_data(self) -> dict:
        return {"created": self.created, "skipped": self.skipped, "refused": self.refused}


def sheet_headers(sheet: Sheet) -> list[str]:
    return sheet.rows[header_row_index(sheet.rows)][1]


def import_preview(
    *, sheet: Sheet, columns: list[str] | None = None, now: datetime.datetime | None = None
) -> ImportPreview:
    header_index = header_row_index(sheet.rows)
    header_number, headers = sheet.rows[header_index]
    if columns is None or len(columns) != len(headers):
        columns = mapping_guess(headers)
    preview = ImportPreview(headers=headers, columns=columns, header_row=header_number, rows=[])
    try:
        mapping_check(columns)
    except MappingError as problem:
        preview.mapping_problem = str(problem)
        return preview
    context = context_load(now)
    chosen = [(index, name) for index, name in enumerate(columns) if name in FIELDS_BY_NAME]
    for number, cells in sheet.rows[header_index + 1 :]:
        values = {name: cells[index] if index < len(cells) else "" for index, name in chosen}
        preview.rows.append(row_plan(number=number, values=values, context=context))
    return preview


@transaction.atomic
def import_run(
    *, sheet: Sheet, columns: list[str], by, now: datetime.datetime | None = None
) -> ImportResult:
    now = now or timezone.now()
    headers = sheet_headers(sheet)
    mapping_check(columns)
    mapping_remember(headers=headers, columns=columns, by=by, now=now)
    preview = import_preview(sheet=sheet, columns=columns, now=now)
    result = ImportResult()
    for plan in preview.rows:
        if plan.outcome == MATCH:
            result.skipped.append((plan.number, plan.matched_case_id, plan.match_reason))
        elif plan.outcome == REFUSE:
            result.refused.append((plan.number, plan.problems))
        else:
            try:
                with transaction.atomic():
                    case = _case_create(plan, by=by, now=now)
            except (workflow.TransitionError, workflow.AlreadySaved) as error:
                result.refused.append((plan.number, [str(error)]))
            else:
                result.created.append((plan.number, case.pk))
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        changes={
            "case_import": {
                "rows": len(preview.rows),
                "created": len(result.created),
                "skipped": len(result.skipped),
                "refused": len(result.refused),
            }
        },
    )
    return result


def _on(day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """Noon of `day` in the team's time zone, or now when that is still ahead (today)."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))), now)


def _case_create(plan: RowPlan, *, by, now: datetime.datetime):
    case = workflow.case_open(
        opened_by=by,
        social_worker=plan.social_worker,
        patient_fields=plan.patient_fields,
        case_fields=plan.case_fields,
        reasons=[],
        now=_on(plan.opened_on, now),
    )
    steps = {step.stage: step for step in case.steps.all()}
    if plan.appointment_at is not None:
        workflow.appointment_update(
            appointment=case.appointment,
            by=by,
            fields={"scheduled_at": plan.appointment_at},
            now=_on(plan.steps_done[Stage.APPOINTMENT], now),
        )
    order = sorted(plan.steps_done.items(), key=lambda item: (item[1], steps[item[0]].position))
    for stage, day in order:
        at = _on(day, now)
        if stage == Stage.PREAUTHORIZATION:
            workflow.insurance_update(
                insurance=case.insurance,
                by=by,
                fields={"decision": Insurance.Decision.APPROVED, "decided_on": day},
                now=at,
            )
        step = Step.objects.get(pk=steps[stage].pk)
        step.case = case
        workflow.step_set_status(step=step, status=Step.Status.DONE, by=by, now=at)
    return case
