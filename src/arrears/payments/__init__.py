"""Payments: recording money received, allocating it, and undoing it."""
