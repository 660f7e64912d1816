"""Tests of the patient's side (cases.patient and the patient pages)."""
