"""Tests of housekeeping (cases.housekeeping): the periodic clean-up and the audit archive."""
