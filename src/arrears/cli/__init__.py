"""The ``arrears`` command line (Typer)."""
