"""The import logs no patient data: the pages (upload, a refused file, the preview, a mapping
sent back, confirm, the result) with every logger at DEBUG, and nothing logged names a patient
of the sheet, their birth date or MRN, nor the uploaded file's name."""

import datetime
import logging

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.imports.sheets import confirm, messy_xlsx

FORBIDDEN = ["Núñez", "Nunez", "NUNEZ", "Peña", "Thornbury", "1970-01-05", "EX-1001", "nunez-jose"]


def test_the_import_logs_no_patient_data(client_for, sam, alex, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    client = client_for(sam)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 15, 0, tzinfo=datetime.UTC)):
        file = SimpleUploadedFile("nunez-jose.xlsx", messy_xlsx())
        client.post(reverse("case_import"), {"file": file})
        bad = SimpleUploadedFile("nunez-jose.xls", b"\xd0\xcf")
        assert client.post(reverse("case_import"), {"file": bad}).status_code == 400
        client.get(reverse("case_import_preview") + "?show=refuse")
        client.post(reverse("case_import_preview"), {"column_0": "no-such-field"})
        confirm(client)
        assert client.get(reverse("case_import_result")).status_code == 200
    out, err = capfd.readouterr()
    records = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {record.__dict__!r}"
        for record in caplog.records
    )
    logged = "\n".join([caplog.text, records, out, err])
    assert [word for word in FORBIDDEN if word in logged] == []
