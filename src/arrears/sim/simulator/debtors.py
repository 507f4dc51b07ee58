"""The simulated debtors answering the real system.

Everything a debtor does lands through the code a real debtor's actions reach:
a payment through :func:`payments.service.record_payment` (which also keeps
promises and plans), a promise on the phone through
:func:`payments.promises.take_promise` within the client's resolution policy,
a dispute through :func:`payments.disputes.open_dispute`, a reply through
:func:`inbound.service.receive` (matching, the intent classifier, STOP and
dispute consequences). The behaviour model (:mod:`.behaviour`) decides *what*
they do; this module only carries it out and counts it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from arrears.errors import ArrearsError
from arrears.inbound.service import Reply, default_classifier, receive
from arrears.payments.disputes import open_dispute
from arrears.payments.policy import PolicyBook
from arrears.payments.promises import take_promise
from arrears.payments.service import PaymentInput, balance_of, record_payment
from arrears.sim.simulator import behaviour as bh
from arrears.sim.simulator.metrics import Metrics
from arrears.sim.simulator.params import SimulationParams
from arrears.sim.simulator.texts import reply_text
from arrears.store.queries import planning as queries
from arrears.store.uow import UnitOfWork

ACTOR = "simulation"
PAYABLE = ("active", "promised", "in_plan", "on_hold", "disputed", "placed", "legal", "settled")


class Debtors:
    """The portfolio's debtors: hidden traits, memory of contacts, promises they mean to keep."""

    def __init__(
        self,
        *,
        uow_factory: Callable[[], UnitOfWork],
        params: SimulationParams,
        traits: bh.Traits,
        zones: dict[int, str],
        policies: PolicyBook,
        seed: int,
        metrics: Metrics,
    ) -> None:
        self.uow_factory, self.params, self.traits = uow_factory, params, traits
        self.zones, self.policies, self.seed, self.metrics = zones, policies, seed, metrics
        self.recent: dict[int, list[int]] = defaultdict(list)  # debtor -> contact day numbers
        self.promises: dict[int, tuple[bool, date]] = {}  # promise id -> (keeps, pays on)
        self.client_of: dict[int, str] = {}  # account -> client code (for the report's split)

    # contacts --------------------------------------------------------------------------

    def local(self, debtor_id: int, at: datetime) -> datetime:
        return at.astimezone(ZoneInfo(self.zones.get(debtor_id, "UTC")))

    def contacted(self, contacts: pl.DataFrame, k: int, now: datetime) -> None:
        """Count contacts, their cost and the complaints they cause."""
        if contacts.is_empty():
            return
        debtors = contacts["debtor_id"].to_numpy()
        hours = np.array([self.local(d, now).hour for d in debtors])
        recent = np.array([sum(1 for x in self.recent[d] if x > k - 7) for d in debtors])
        channels = contacts["channel"].to_numpy()
        chance = bh.complaint_chance(channels, recent, hours, self.params)
        u = bh.uniforms(
            self.seed, bh.contact_keys(contacts["account_id"].to_numpy(), channels), k, 50
        )
        self.metrics.complaints += int((u < chance).sum())
        for account, debtor, channel, currency, outcome in contacts.select(
            "account_id", "debtor_id", "channel", "currency", "outcome"
        ).iter_rows():
            self.recent[debtor].append(k)
            self.metrics.contacts[channel] += 1
            talk = outcome == "conversation"
            cost = self.params.cost(currency, channel, talk)
            self.metrics.cost[currency] += cost
            self.metrics.cost_by[(self.client_of.get(account, "?"), currency)] += cost

    def read_messages(self, contacts: pl.DataFrame, k: int, now: datetime) -> None:
        """Messages read remind; a few get a reply (through the real inbound path)."""
        messages = contacts.filter(pl.col("channel").is_in(["sms", "email", "letter"]))
        if messages.is_empty():
            return
        pos = self.traits.index(messages["debtor_id"].to_numpy())
        channels = messages["channel"].to_list()
        keys = bh.contact_keys(messages["account_id"].to_numpy(), np.asarray(channels))
        chan = self.params.channels
        read_p = np.array([getattr(chan, c).read for c in channels])
        reply_p = np.array([getattr(chan, c).reply for c in channels])
        read = bh.uniforms(self.seed, keys, k, 60) < read_p
        replies = read & (bh.uniforms(self.seed, keys, k, 90) < reply_p)
        for channel in ("sms", "email", "letter"):
            mask = read & (np.asarray(channels) == channel)
            bh.remind(self.traits, pos[mask], channel, k, self.params)
        kinds = bh.reply_kinds(bh.uniforms(self.seed, keys, k, 120), self.params)
        rows = messages.with_columns(pl.Series("kind", kinds)).filter(pl.Series(replies))
        for row in rows.iter_rows(named=True):
            self._reply(row, k, now + timedelta(minutes=40))

    def _reply(self, row: dict[str, object], k: int, at: datetime) -> None:
        kind = str(row["kind"])
        account_id, day = int(row["account_id"]), at.date()  # type: ignore[call-overload]
        with self.uow_factory() as uow:
            account = uow.accounts.get(account_id)
            balance = balance_of(account).total
            share = self._share(account_id, k, 130)
            due = day + timedelta(days=self._days(account_id, k))
            text = reply_text(
                kind,
                currency=account.currency,
                amount_minor=max(100, int(balance * share) // 100 * 100),
                due=due,
            )
            provider = f"sim-{account_id}-{row['channel']}-{at:%Y%m%d%H%M}"
            reply = Reply(channel=str(row["channel"]), provider_id=provider,
                          sender=str(row["contact_value"]), body=text, received_at=at)  # fmt: skip
            receive(uow, reply, default_classifier, ACTOR)
            if kind == "paid":
                self._pay(uow, account_id, balance, day, at, "paid-reply")
            uow.commit()
        self.metrics.outcomes[f"reply:{kind}"] += 1

    def _share(self, account_id: int, k: int, purpose: int) -> float:
        low, high = self.params.reaction.promise_share
        return low + (high - low) * float(bh.uniforms(self.seed, np.array([account_id]), k,
                                                      purpose)[0])  # fmt: skip

    def _days(self, account_id: int, k: int) -> int:
        low, high = self.params.reaction.promise_days
        u = float(bh.uniforms(self.seed, np.array([account_id]), k, 140)[0])
        return low + int(u * (high - low + 1))

    # calls ---------------------------------------------------------------------------------

    def answer(self, calls: pl.DataFrame, k: int, now: datetime) -> list[str]:
        """The outcome of each call (conversation, third party, voicemail, no answer)."""
        debtors = calls["debtor_id"].to_numpy()
        pos = self.traits.index(debtors)
        local = [self.local(int(d), now) for d in debtors]
        hours = np.array([t.hour for t in local])
        weekdays = np.array([t.weekday() for t in local])
        p = bh.p_answer(self.traits, pos, hours, weekdays, self.params)
        ids = calls["account_id"].to_numpy()
        salt = 200  # the day's mood, whatever the hour: a better hour only adds answers (CRN)
        answered = bh.uniforms(self.seed, ids, k, salt) < p
        other = bh.uniforms(self.seed, ids, k, salt + 30) < self.params.channels.call.third_party
        voicemail = bh.uniforms(self.seed, ids, k, salt + 60) < self.params.channels.call.voicemail
        return [
            ("third_party_answered" if o else "conversation") if a
            else ("voicemail" if v else "no_answer")
            for a, o, v in zip(answered, other, voicemail, strict=True)
        ]  # fmt: skip

    def talk(self, calls: pl.DataFrame, k: int, now: datetime) -> None:
        """What each conversation ends in, carried out through the real services."""
        talks = calls.filter(pl.col("outcome") == "conversation")
        for row in calls.iter_rows(named=True):
            self.metrics.outcomes[f"call:{row['outcome']}"] += 1
        if talks.is_empty():
            return
        pos = self.traits.index(talks["debtor_id"].to_numpy())
        bh.remind(self.traits, pos, "call", k, self.params)
        u = bh.uniforms(self.seed, talks["account_id"].to_numpy(), k, 300)
        ends = bh.conversation(u, self.traits.willingness[pos], self.params)
        at = now + timedelta(minutes=5)
        with self.uow_factory() as uow:
            for account_id, end in zip(talks["account_id"].to_list(), ends, strict=True):
                self.metrics.outcomes[f"talk:{end}"] += 1
                self._after_talk(uow, int(account_id), str(end), k, at)
            uow.commit()

    def _after_talk(self, uow: UnitOfWork, account_id: int, end: str, k: int, at: datetime) -> None:
        account = uow.accounts.get(account_id)
        balance = balance_of(account).total
        if balance <= 0:
            return
        try:
            if end == "pay_now":
                amount = self._amount(account_id, account.debtor_id, balance, k)
                self._pay(uow, account_id, amount, at.date(), at, "call")
            elif end == "promise":
                client = uow.clients.get(account.client_id)
                policy = self.policies.for_client(client.code, client.jurisdiction)
                amount = max(1, int(balance * self._share(account_id, k, 310)))
                due = at.date() + timedelta(days=self._days(account_id, k))
                take_promise(uow=uow, account=account, amount_minor=amount, due_on=due,
                             channel="call", taken_by=ACTOR, at=at, policy=policy)  # fmt: skip
            elif end == "dispute":
                open_dispute(uow=uow, account=account, reason="not_mine", details="on the phone",
                             channel="call", by=ACTOR, at=at)  # fmt: skip
            elif end == "hardship":
                pos = self.traits.index([account.debtor_id])
                self.traits.ability[pos] *= 0.5
        except ArrearsError:
            # Outside the policy (amount, date, state): the collector could not take it.
            self.metrics.outcomes[f"refused:{end}"] += 1

    def _amount(self, account_id: int, debtor_id: int, balance: int, k: int) -> int:
        ability = self.traits.ability[self.traits.index([debtor_id])]
        u = bh.uniforms(self.seed, np.array([account_id]), k, 400)
        v = bh.uniforms(self.seed, np.array([account_id]), k, 401)
        return int(bh.payment_amounts(u, v, np.array([balance]), ability, self.params)[0])

    # money -------------------------------------------------------------------------------

    def _pay(self, uow: UnitOfWork, account_id: int, amount: int, day: date, at: datetime,
             why: str) -> None:  # fmt: skip
        account = uow.accounts.get(account_id)
        balance = balance_of(account).total
        amount = min(amount, balance)
        if amount <= 0 or account.status not in PAYABLE:
            return
        payment = PaymentInput(reference=f"sim:{day.isoformat()}:{account_id}:{why}",
                               amount_minor=amount, currency=account.currency, paid_on=day,
                               method="transfer")  # fmt: skip
        if uow.payments.by_reference(account.client_id, payment.reference) is not None:
            return
        record_payment(uow=uow, account=account, payment=payment, at=at, actor=ACTOR)
        self.metrics.recovered[account.currency] += amount
        self.metrics.recovered_by[(self.client_of.get(account_id, "?"), account.currency)] += amount
        self.metrics.payments += 1
        self.metrics.payers.add(account_id)
        self.metrics.ledger.append((account_id, day, amount))

    # the end of the day --------------------------------------------------------------

    def end_of_day(self, day: date, k: int, at: datetime) -> None:
        """Life events, payments nobody asked for (or a reminder prompted), promises kept."""
        lost, won = bh.life_events(self.traits, k, self.seed, self.params)
        self.metrics.outcomes["life:job_loss"] += lost
        self.metrics.outcomes["life:windfall"] += won
        with self.uow_factory() as uow:
            accounts = queries.open_accounts(uow.session)
            self._self_cure(uow, accounts, day, k, at)
            self._keep_promises(uow, day, k, at)
            uow.commit()

    def _self_cure(
        self, uow: UnitOfWork, accounts: pl.DataFrame, day: date, k: int, at: datetime
    ) -> None:
        if accounts.is_empty():
            return
        frame = accounts.with_columns(
            (pl.lit(day) - pl.col("due_on")).dt.total_days().alias("dpd"),
            pl.sum_horizontal("principal_minor", "interest_minor", "fees_minor", "costs_minor")
            .alias("balance"),
        ).filter(pl.col("balance") > 0)  # fmt: skip
        ids = frame["account_id"].to_numpy()
        pos = self.traits.index(frame["debtor_id"].to_numpy())
        p = bh.p_pay_today(self.traits, pos, frame["dpd"].fill_null(0).to_numpy(), k, self.params)
        pays = bh.uniforms(self.seed, ids, k, 500) < p
        amounts = bh.payment_amounts(
            bh.uniforms(self.seed, ids, k, 501), bh.uniforms(self.seed, ids, k, 502),
            frame["balance"].to_numpy(), self.traits.ability[pos], self.params,
        )  # fmt: skip
        for account_id, amount in zip(ids[pays], amounts[pays], strict=True):
            self._pay(uow, int(account_id), int(amount), day, at, "self")

    def _keep_promises(self, uow: UnitOfWork, day: date, k: int, at: datetime) -> None:
        for promise in uow.resolution.pending_promises():
            if promise.id not in self.promises:
                pos = self.traits.index([promise.debtor_id])
                # Keyed by the account and the promised day, not the promise's row id: ids
                # differ between policies as soon as promises are taken in another order,
                # and the same promise must meet the same dice in every arm (CRN).
                key, due = np.array([promise.account_id]), promise.due_on.toordinal()
                u = bh.uniforms(self.seed, key, due, 600)
                keeps = bool(bh.keeps_promise(u, self.traits.willingness[pos], self.params)[0])
                early = int(bh.uniforms(self.seed, key, due, 601)[0] * 3)
                self.promises[promise.id] = (keeps, max(day, promise.due_on - timedelta(early)))
            keeps, pays_on = self.promises[promise.id]
            if keeps and pays_on == day:
                self._pay(uow, promise.account_id, promise.amount_minor - promise.paid_minor,
                          day, at, f"promise-{promise.id}")  # fmt: skip
