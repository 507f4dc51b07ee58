"""The outbox: how planned messages become real ones, once and only once.

``planner`` writes the day's plan and, in the same transaction, the outbox rows
of its automated messages (``store.repositories.outbox``). The
:class:`~arrears.outbox.dispatcher.Dispatcher` (``arrears send`` and
``arrears worker``) claims due rows, looks again at the account (paid?
disputed? opted out?), renders the template in the debtor's language with the
disclosures the law requires, asks the one compliance engine about the real
instant and the real text, sends through the client's channel adapter, and
records what happened. Quiet hours move a row, they never drop it; temporary
failures are retried with backoff; permanent ones are dead with the reason.
"""
