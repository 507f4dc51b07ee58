"""The daily plan: for every open account, what happens today, and why.

``features`` turns store frames into the documented account features,
``plan`` is the pure partition function (features -> segments -> arms ->
today's steps -> compliance verdicts -> priority -> capacity), ``service``
reads partitions from the store and writes planned and suppressed actions.
"""
