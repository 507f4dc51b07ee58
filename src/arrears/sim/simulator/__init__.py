"""The strategy simulator: the real daily cycle against synthetic debtors (docs/simulation.md).

``params`` (config/simulation.yaml), ``behaviour`` (the debtor model, pure numpy),
``debtors`` (their actions through the real services), ``world`` (one run, hour by
hour), ``audit`` (compliance gate and re-check), ``metrics``, ``runner`` (prepare a
portfolio, run and compare policies), ``propensity`` and ``training`` (the
simulator's own propensity to pay, from observable features).
"""
