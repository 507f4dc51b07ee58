"""``python -m arrears`` runs the command line."""

from arrears.cli.main import entry

entry()
