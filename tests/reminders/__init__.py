"""Tests of the reminders part (cases.reminders)."""
