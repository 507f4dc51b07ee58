"""Scoring: who is likely to pay in the next 30 days, how much, and why (PRODUCT B3-B5).

Pure policy over Polars frames (DESIGN §3, tier T2): no database, no settings,
no files. ``features`` turns accounts and their history into point-in-time
features; ``boosting`` trains the LightGBM propensity and amount models with
calibrated probabilities; ``scorecard`` the interpretable WOE logistic
scorecard; ``reasons`` turns feature contributions into words a collector
understands; ``monitoring`` measures drift (PSI) and performance (AUC, KS,
calibration); ``artefact`` is the saved form of a trained model (text, JSON).
The application service (``planner.scoring``) reads the store, writes files and
keeps the registry.
"""
