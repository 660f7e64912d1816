"""Tests of the case and its steps (cases.workflow and the staff pages)."""
