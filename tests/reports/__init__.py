"""Tests of the supervisor reports (cases.reports)."""
