"""A small demo portfolio, planned, with its messages in the outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from arrears.channels.fake import FakeChannel
from arrears.compliance.rulebooks import Rulebooks, load_rulebooks
from arrears.kit.crypto import FieldCipher
from arrears.outbox.adapters import AdapterSet, ChannelConfig
from arrears.outbox.dispatcher import Checkpoint, Dispatcher, DispatchSettings
from arrears.planner import service
from arrears.planner.plan import PlanParams
from arrears.sim.demo import load_demo, load_history
from arrears.store.uow import UnitOfWork
from arrears.strategy.loader import load_strategies
from arrears.templates import TemplateCatalogue, load_templates

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 20)
PLANNED_AT = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 in Beijing

    def at(self, hour: int, minute: int = 0) -> None:
        self.now = self.now.replace(hour=hour, minute=minute)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Outreach:
    """The planned demo and everything a dispatcher needs, with fake channels."""

    uow_factory: Callable[[], UnitOfWork]
    rulebooks: Rulebooks
    catalogue: TemplateCatalogue
    clock: Clock = field(default_factory=Clock)
    fakes: dict[str, FakeChannel] = field(default_factory=dict)

    def adapters(self) -> AdapterSet:
        configs = [ChannelConfig(None, ch, "fake", {"channel": ch}, "demo@arrears.test")
                   for ch in ("sms", "email", "letter")]  # fmt: skip
        return AdapterSet(configs, factory=lambda name, settings: self.fakes[settings["channel"]])

    def run_day(self, **settings: object) -> None:
        """Dispatch at 09:30 Beijing, then 09:00 New York / 14:00 London, then 15:00 New York."""
        for hour in (1, 14, 20):
            self.clock.at(hour, 30)
            self.dispatcher(**settings).run()

    def dispatcher(self, checkpoint: Checkpoint | None = None, **settings: object) -> Dispatcher:
        return Dispatcher(
            self.uow_factory, self.adapters(), self.catalogue, self.rulebooks, self.clock,
            DispatchSettings(**settings), checkpoint,  # type: ignore[arg-type]
        )  # fmt: skip


@pytest.fixture
def outreach(
    uow_factory: Callable[[], UnitOfWork], cipher: FieldCipher, tmp_path: Path,
    clock: Callable[[], datetime],
) -> Outreach:  # fmt: skip
    load_demo(out_dir=tmp_path / "demo", accounts=120, seed=7, as_of=AS_OF,
              uow_factory=uow_factory, cipher=cipher, reject_dir=tmp_path / "rejects",
              clock=clock)  # fmt: skip
    load_history(uow_factory=uow_factory, as_of=AS_OF, seed=7, at=clock())
    rulebooks = load_rulebooks(ROOT / "config" / "rulebooks")
    service.run_daily_plan(
        uow_factory=uow_factory, strategies=load_strategies(ROOT / "config" / "strategies"),
        rulebooks=rulebooks, as_of=AS_OF, clock=lambda: PLANNED_AT, actor="test",
        params=PlanParams(call_capacity=10),
    )  # fmt: skip
    fakes = {ch: FakeChannel(ch) for ch in ("sms", "email", "letter")}
    return Outreach(uow_factory, rulebooks, load_templates(ROOT / "config" / "templates"),
                    fakes=fakes)  # fmt: skip
