"""``generate_demo``: the four clients' files and their manifest.

The accounts are shared out by largest remainder: cn-consumer 45 %, us-agency
30 %, uk-utility 10 %, b2b-receivables 15 % (for B2B these are customer
accounts; its file has one row per open invoice). Each client draws from its
own seed derived from the demo seed, so the files do not change when another
client's generator does, and the same seed gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from arrears.sim.portfolio import b2b, cn_consumer, uk_utility, us_agency
from arrears.sim.portfolio.model import DemoClient, DemoFile, DemoManifest, manifest_json

ClientWriter = Callable[..., list[DemoFile]]

CLIENTS: tuple[tuple[DemoClient, float, ClientWriter], ...] = (
    (cn_consumer.CLIENT, 0.45, cn_consumer.write),
    (us_agency.CLIENT, 0.30, us_agency.write),
    (uk_utility.CLIENT, 0.10, uk_utility.write),
    (b2b.CLIENT, 0.15, b2b.write),
)


def allocate(total: int, shares: list[float]) -> list[int]:
    """Split ``total`` by ``shares`` into integers that add up (largest remainder)."""
    exact = [total * s / sum(shares) for s in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def generate_demo(
    out_dir: Path, *, accounts: int = 20_000, seed: int = 20261122, as_of: date
) -> DemoManifest:
    """Write a demo portfolio of ``accounts`` accounts under ``out_dir``; its manifest.

    Files are listed (and written to ``manifest.json``) in load order, every
    client's accounts before its payments.
    """
    if accounts < 0 or seed < 0:
        raise ValueError("accounts and seed must not be negative")
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = allocate(accounts, [share for _, share, _ in CLIENTS])
    files: list[DemoFile] = []
    for k, ((_, _, write), count) in enumerate(zip(CLIENTS, counts, strict=True)):
        if count:
            files += write(out_dir, accounts=count, seed=seed * 8 + k, as_of=as_of)
    manifest = DemoManifest(as_of, tuple(c for c, _, _ in CLIENTS), tuple(files))
    text = manifest_json(manifest, seed=seed, accounts=accounts, root=out_dir)
    (out_dir / "manifest.json").write_text(text, encoding="utf-8")
    return manifest
