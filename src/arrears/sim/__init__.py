"""Simulation: synthetic data for demos and benchmarks (see :mod:`.portfolio`)."""

from arrears.sim.portfolio import (
    Defect,
    DemoClient,
    DemoFile,
    DemoManifest,
    canonical_accounts_frame,
    generate_demo,
    write_canonical_csv,
)

__all__ = [
    "Defect",
    "DemoClient",
    "DemoFile",
    "DemoManifest",
    "canonical_accounts_frame",
    "generate_demo",
    "write_canonical_csv",
]
