"""The pure core: values and functions with no I/O and no clock.

Everything here takes what it needs as parameters (``as_of`` included) and
returns values, so it can be tested without a database and reused by the
planner, the store and the simulator alike.
"""
