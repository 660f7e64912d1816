"""Tests of backups and restores (cases.backups)."""
