"""`manage.py import_cases`: the same preview and import as the pages, and the README's
example file imports."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Case, Patient
from tests.imports.sheets import messy_xlsx

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import-example.csv"
# Tuesday 1 December 2026, 10:00 in New York: after every date in the example.
INSTANT = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(INSTANT, tick=False):
        yield


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_cases", *args, stdout=out)
    return out.getvalue()


def test_the_example_file_previews_then_imports(sam, alex):
    output = run(str(EXAMPLE), "--by", "sam")
    assert "To create 3, already in Navigator 0, refused 0." in output
    assert "Nothing written" in output
    assert Case.objects.count() == 0
    output = run(str(EXAMPLE), "--by", "sam", "--confirm")
    assert "Created 3, skipped 0, refused 0." in output
    assert Patient.objects.filter(search_name="jose nunez").exists()
    jose = Patient.objects.get(mrn="EX-9003").cases.get()
    assert set(jose.steps.values_list("status", flat=True)) == {"done"}
    # Again: nothing new.
    assert "Created 0, skipped 3, refused 0." in run(str(EXAMPLE), "--by", "sam", "--confirm")
    assert Case.objects.count() == 3


def test_the_output_names_no_patient(sam, alex, tmp_path):
    sheet = tmp_path / "team.xlsx"
    sheet.write_bytes(messy_xlsx())
    output = run(str(sheet), "--by", "sam", "--confirm")
    assert "row 9: refused: No social worker “pat”" in output
    for private in ("Núñez", "Peña", "Thornbury", "1970-01-05", "EX-1001"):
        assert private not in output


def test_a_column_can_be_set_on_the_command_line(sam, alex):
    output = run(str(EXAMPLE), "--by", "sam", "--column", "Appointment=")
    assert "Appointment → not imported" in output


def test_only_a_supervisor_or_administrator_imports(alex):
    with pytest.raises(CommandError, match="supervisor or administrator"):
        run(str(EXAMPLE), "--by", "alex", "--confirm")
    assert Case.objects.count() == 0
