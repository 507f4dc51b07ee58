"""Strategy: treatment strategies as data (pure policy).

A strategy file (``config/strategies/*.yaml``) sorts accounts into segments by
SQL conditions over the documented account features (:mod:`.features`), gives
each segment a treatment path of steps, and may split a segment into
champion/challenger arms. Everything here is a pure function of frames.
"""
