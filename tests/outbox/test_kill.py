"""The real thing: ``arrears send`` killed with SIGKILL, again and again, against a real
HTTP SMS provider. Every text reaches the provider exactly once and is recorded once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from arrears.store.records import InteractionRecord, OutboxRecord
from tests.fixtures.sms import http_sms_settings_for, running_sms_sandbox
from tests.outbox.conftest import ROOT, Outreach

pytestmark = [pytest.mark.db, pytest.mark.slow]
ARREARS = [sys.executable, "-m", "arrears"]


def send(env: dict[str, str], now: str) -> subprocess.Popen[bytes]:
    args = [*ARREARS, "send", "--channel", "sms", "--batch-size", "2", "--lease", "60"]
    return subprocess.Popen(args, env={**env, "ARREARS_NOW": now},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def test_sigkill_never_duplicates_or_loses_a_text(
    outreach: Outreach, database_url: str, tmp_path: Path
):
    with running_sms_sandbox(tmp_path) as provider:
        with outreach.uow_factory() as uow:
            uow.outbox.set_channel_config(None, "sms", "http_sms", http_sms_settings_for(provider),
                                          "ARREARS", outreach.clock())  # fmt: skip
            uow.commit()
        env = {**os.environ, "ARREARS_DATABASE_URL": database_url,
               "ARREARS_VAR_DIR": str(tmp_path / "var"),
               "ARREARS_CONFIG_DIR": str(ROOT / "config")}  # fmt: skip
        now = outreach.clock()
        kills = 0
        for threshold in (1, 3, 6):
            worker = send(env, now.isoformat())
            while len(provider.state.messages) < threshold and worker.poll() is None:
                time.sleep(0.005)
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                kills += 1
            worker.wait()
            now += timedelta(minutes=2)  # past the dead worker's lease
        final = send(env, now.isoformat())
        _, err = final.communicate(timeout=300)
        assert final.returncode == 0, err.decode()
        assert kills >= 1, "the worker was killed at least once mid-run"

        with outreach.uow_factory() as uow:
            rows = uow.session.scalars(select(OutboxRecord).where(OutboxRecord.channel == "sms"))
            sent = {r.dedup_key for r in rows if r.status == "sent"}
            keys = Counter(i.dedup_key for i in uow.session.scalars(
                select(InteractionRecord).where(InteractionRecord.channel == "sms",
                                                InteractionRecord.direction == "out")
            ) if i.dedup_key and i.dedup_key.startswith("plan:"))  # fmt: skip
        references = Counter(line["reference"] for line in provider.lines())
        assert sent, "texts were sent"
        assert max(references.values()) == 1, "the provider accepted a text twice"
        assert set(references) == sent, "every accepted text is recorded as sent, and only those"
        assert keys == Counter(sent), "one interaction per text"
