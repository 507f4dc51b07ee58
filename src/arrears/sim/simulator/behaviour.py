"""How a synthetic debtor behaves: hidden traits and the chances they drive.

Each debtor gets, once, an **ability** to pay (the share of the balance they
could find) and a **willingness** (their inclination to pay when asked), an
**answer rate** for calls at their best hour, and an **hour type** (they pick up
in the day, at lunch or in the evening), with a weekday rhythm. The collection
system never sees these: it sees only what the debtor does.

What they do, day by day (the simulator asks, this module answers):

* **pay unasked** with a small daily chance, ability x willingness x ageing
  (the chance halves every ``ageing_half_life_days`` past due), raised for a
  few days after a message is read or a call is answered (a reminder works);
* **answer a call** depending on the local hour and weekday;
* in a **conversation**: pay now, promise, dispute, claim hardship or refuse;
* keep or break a **promise** (willingness decides);
* **reply** to a message (a promise, STOP, a dispute, hardship, "paid");
* live through **life events**: a job loss cuts ability, a windfall raises it;
* **complain** more the more often and the less sociably they are contacted.

Randomness is *counter-based*: every draw is a hash of (seed, account, day,
purpose), not the next number of a shared stream, and never of the hour or of a
database id a policy could change (a promise's draw is keyed by its account and
due day, a contact's by its account and channel). Two policies run on the same
portfolio therefore meet the same debtors in the same moods (common random
numbers), so a difference between them is the policy's, not the dice's.
Everything here is pure numpy over arrays; amounts are integer minor units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from arrears.sim.simulator.params import SimulationParams

MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
REPLY_KINDS = ("promise", "stop", "dispute", "hardship", "paid")
CONVERSATION = ("pay_now", "promise", "dispute", "hardship", "refuse")


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a good 64-bit hash of each element."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        out: np.ndarray = x ^ (x >> np.uint64(31))
        return out


def uniforms(seed: int, ids: np.ndarray, day: int, purpose: int) -> np.ndarray:
    """One uniform draw in [0, 1) per id, fixed by (seed, id, day, purpose)."""
    key = np.asarray(ids, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):
        salt = np.uint64((seed * 1_000_003 + day * 7_919 + purpose * 104_729) & 0xFFFFFFFFFFFF)
        x = _mix(_mix(key + salt) ^ np.uint64(0x9E3779B97F4A7C15) * np.uint64(purpose + 1))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


CHANNEL_CODE = {"call": 0, "sms": 1, "email": 2, "letter": 3, "visit": 4}


def contact_keys(account_ids: np.ndarray, channels: np.ndarray) -> np.ndarray:
    """One key per (account, channel): a contact's dice do not depend on its hour.

    The same account contacted by the same channel on the same day meets the same
    draw (read or not, reply or not, complaint or not) whichever policy sent it and
    at whatever hour: common random numbers across policies; the hour still changes
    the *chance* the draw is compared with.
    """
    codes = np.array([CHANNEL_CODE.get(str(c), 7) for c in channels], dtype=np.int64)
    return np.asarray(account_ids, dtype=np.int64) * 8 + codes


@dataclass
class Traits:
    """The hidden traits of every debtor (arrays aligned on ``debtor_id``)."""

    debtor_id: np.ndarray
    ability: np.ndarray
    willingness: np.ndarray
    answer: np.ndarray
    hour_type: np.ndarray  # index into the parameters' hour types
    boost_until: np.ndarray  # last simulated day a reminder still works (-1: none)
    boost: np.ndarray  # the reminder's multiplier while it works

    def index(self, debtor_ids: np.ndarray | list[int]) -> np.ndarray:
        """Positions of ``debtor_ids`` in the arrays."""
        return np.searchsorted(self.debtor_id, np.asarray(debtor_ids, dtype=np.int64))


def draw_traits(debtor_ids: np.ndarray | list[int], params: SimulationParams, seed: int) -> Traits:
    """Draw every debtor's traits once (the same seed gives the same debtors)."""
    ids = np.unique(np.asarray(debtor_ids, dtype=np.int64))
    rng = np.random.default_rng([seed, 17])
    d, ch = params.debtors, params.channels.call
    kinds = list(d.hour_types.values())
    weights = np.array([k.weight for k in kinds])
    return Traits(
        debtor_id=ids,
        ability=rng.beta(d.ability.a, d.ability.b, ids.size),
        willingness=rng.beta(d.willingness.a, d.willingness.b, ids.size),
        answer=rng.beta(ch.answer.a, ch.answer.b, ids.size),
        hour_type=rng.choice(len(kinds), size=ids.size, p=weights / weights.sum()),
        boost_until=np.full(ids.size, -1, dtype=np.int64),
        boost=np.ones(ids.size),
    )


def hour_profiles(params: SimulationParams) -> np.ndarray:
    """Chance of answering by hour type and local hour (0-23), relative to the peak."""
    hours = np.arange(24)
    rows = []
    floor = params.channels.call.off_peak
    for kind in params.debtors.hour_types.values():
        bump = np.exp(-0.5 * ((hours - kind.peak) / kind.spread) ** 2)
        rows.append(floor + (1.0 - floor) * bump)
    return np.vstack(rows)


def p_answer(
    traits: Traits, pos: np.ndarray, local_hour: np.ndarray, weekday: np.ndarray,
    params: SimulationParams,
) -> np.ndarray:  # fmt: skip
    """Chance a call at this local hour and weekday (0 = Monday) reaches the debtor."""
    profile = hour_profiles(params)[traits.hour_type[pos], local_hour]
    rhythm = np.asarray(params.debtors.weekday)[weekday]
    chance: np.ndarray = np.clip(traits.answer[pos] * profile * rhythm, 0.0, 1.0)
    return chance


def ageing(dpd: np.ndarray, params: SimulationParams) -> np.ndarray:
    """The factor by which age lowers the chance of payment (1 when not yet overdue)."""
    age = np.clip(np.asarray(dpd, dtype=np.float64), 0.0, None)
    return np.power(0.5, age / params.debtors.ageing_half_life_days)


def p_pay_today(
    traits: Traits, pos: np.ndarray, dpd: np.ndarray, day: int, params: SimulationParams
) -> np.ndarray:
    """Chance of a payment today without a conversation (self-cure, or a reminder read)."""
    base = params.debtors.self_cure_daily * traits.ability[pos] * traits.willingness[pos]
    boosted = np.where(traits.boost_until[pos] >= day, traits.boost[pos], 1.0)
    chance: np.ndarray = np.clip(base * ageing(dpd, params) * boosted, 0.0, 1.0)
    return chance


def remind(
    traits: Traits, pos: np.ndarray, channel: str, day: int, params: SimulationParams
) -> None:
    """A message read or a call answered: payment is likelier for the next days."""
    factor = params.reaction.boost.get(channel, 1.0)
    traits.boost[pos] = np.where(
        traits.boost_until[pos] >= day, np.maximum(traits.boost[pos], factor), factor
    )
    traits.boost_until[pos] = day + params.reaction.boost_days


def payment_amounts(
    u: np.ndarray, v: np.ndarray, balance: np.ndarray, ability: np.ndarray,
    params: SimulationParams,
) -> np.ndarray:  # fmt: skip
    """Minor units paid: the whole balance (chance full_payment x ability) or a share of it."""
    low, high = params.debtors.partial_share
    share = np.where(u < params.debtors.full_payment * ability, 1.0, low + (high - low) * v)
    amount = np.floor(np.asarray(balance, dtype=np.float64) * share).astype(np.int64)
    return np.clip(amount, 1, None)


def conversation(u: np.ndarray, willingness: np.ndarray, params: SimulationParams) -> np.ndarray:
    """What a right-party conversation ends in (one of :data:`CONVERSATION`)."""
    c = params.reaction.conversation
    pay = np.clip(c.pay_now * 2 * willingness, 0, 1)
    promise = np.clip(c.promise * 2 * willingness, 0, 1 - pay)
    edges = np.cumsum(np.column_stack([pay, promise, np.full_like(pay, c.dispute),
                                       np.full_like(pay, c.hardship)]), axis=1)  # fmt: skip
    ends: np.ndarray = np.asarray(CONVERSATION)[(u[:, None] >= edges).sum(axis=1)]
    return ends


def reply_kinds(u: np.ndarray, params: SimulationParams) -> np.ndarray:
    """What a reply says (one of :data:`REPLY_KINDS`)."""
    weights = np.array([params.reaction.replies.get(k, 0.0) for k in REPLY_KINDS])
    edges = np.cumsum(weights / weights.sum())
    kinds: np.ndarray = np.asarray(REPLY_KINDS)[np.minimum((u[:, None] >= edges).sum(axis=1), 4)]
    return kinds


def keeps_promise(u: np.ndarray, willingness: np.ndarray, params: SimulationParams) -> np.ndarray:
    return u < np.clip(params.reaction.promise_kept * (0.5 + willingness), 0, 1)


def life_events(traits: Traits, day: int, seed: int, params: SimulationParams) -> tuple[int, int]:
    """Job losses and windfalls of the day (ability changes in place); their counts."""
    events = params.life_events
    loss = uniforms(seed, traits.debtor_id, day, 31) < events.job_loss_daily
    gain = uniforms(seed, traits.debtor_id, day, 32) < events.windfall_daily
    traits.ability[loss] *= 0.3
    traits.ability[gain] = 1.0 - (1.0 - traits.ability[gain]) * 0.3
    return int(loss.sum()), int(gain.sum())


def complaint_chance(
    channel: np.ndarray, contacts_7d: np.ndarray, local_hour: np.ndarray,
    params: SimulationParams,
) -> np.ndarray:  # fmt: skip
    """The complaints proxy: a base chance, fatigue, and unsociable hours for calls and SMS."""
    c = params.complaints
    fatigue = c.fatigue * np.clip(np.asarray(contacts_7d) - 2, 0, None)
    voice = np.isin(channel, ["call", "sms"])
    unsociable = voice & ((local_hour < 9) | (local_hour >= 20))
    chance: np.ndarray = c.per_contact + fatigue + np.where(unsociable, c.unsociable, 0.0)
    return chance


def traits_frame(traits: Traits) -> pl.DataFrame:
    """The hidden traits as a frame (for the documentation's figures and for tests)."""
    return pl.DataFrame({
        "debtor_id": traits.debtor_id, "ability": traits.ability,
        "willingness": traits.willingness, "answer": traits.answer,
        "hour_type": traits.hour_type,
    })  # fmt: skip
