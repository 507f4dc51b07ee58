"""Tests of arrears.inbound."""
