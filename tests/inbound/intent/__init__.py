"""Tests of arrears.inbound.intent."""
