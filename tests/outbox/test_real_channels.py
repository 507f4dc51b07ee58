"""The dispatcher through the real adapters: SMTP to a real server, HTTP to the SMS provider."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from arrears.channels.registry import create
from arrears.outbox.adapters import AdapterSet, ChannelConfig
from arrears.outbox.dispatcher import Dispatcher, DispatchSettings
from arrears.store.records import OutboxRecord
from tests.fixtures.mail import running_mail_sink
from tests.fixtures.sms import running_sms_sandbox
from tests.outbox.conftest import Outreach

pytestmark = pytest.mark.db


def test_emails_and_texts_arrive_once_with_their_disclosures(outreach: Outreach, tmp_path: Path):
    with running_mail_sink(tmp_path / "mail") as sink, running_sms_sandbox(tmp_path) as sms:
        configs = [
            ChannelConfig(None, "email", "smtp", {"host": "127.0.0.1", "port": sink.port,
                          "from_address": "collections@arrears.test"}, "collections@arrears.test"),
            ChannelConfig(None, "sms", "http_sms", {"base_url": sms.url, "api_key": sms.api_key,
                          "sender_id": "ARREARS"}, "ARREARS"),
        ]  # fmt: skip
        for hour in (1, 14, 20):
            outreach.clock.at(hour, 30)
            dispatcher = Dispatcher(
                outreach.uow_factory, AdapterSet(configs, create), outreach.catalogue,
                outreach.rulebooks, outreach.clock, DispatchSettings(channels=("email", "sms")),
            )  # fmt: skip
            dispatcher.run()
            dispatcher.close()
        with outreach.uow_factory() as uow:
            rows = uow.session.scalars(select(OutboxRecord)).all()
            sent = {(r.channel, r.provider_id) for r in rows if r.status == "sent"}
        emails = [p for c, p in sent if c == "email"]
        texts = [p for c, p in sent if c == "sms"]
        assert emails and texts
        assert all(sink.count(mid) == 1 for mid in emails), "each e-mail arrived once"
        assert not sink.duplicates()
        assert len(sms.lines()) == len(texts)
        parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in sink.files]
        english = [m for m in parsed if "debt collector" in m.get_body(("plain",)).get_content()]
        chinese = [m for m in parsed if any("\u4e00" <= ch <= "\u9fff" for ch in str(m["Subject"]))]
        assert english or chinese, "messages carry their disclosures and language"
        assert all(line["text"].startswith("【") or "STOP" in line["text"] for line in sms.lines())
