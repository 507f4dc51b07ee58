"""Portfolio import: files of accounts and payments into the store.

The pipeline, each step in its own module:

1. ``readers`` — open a CSV, XLSX or Parquet file and stream it as rows of strings
   with their source row numbers (``open_table``).
2. ``mapping`` — match the file's headers to the canonical columns, through an
   optional YAML mapping or a shipped preset (``load_mapping``, ``plan_headers``,
   ``project``).
3. ``rows`` — validate and normalise one canonical row into an ``AccountRow`` or
   ``PaymentRow``, or reject it with every problem it has (``validate_batch``);
   pure and picklable so batches can run in worker processes. Field parsers live
   in ``normalize`` and places in ``geo``.
4. ``service`` — write accepted rows to the store and rejected ones to the reject file.

A row is accepted or rejected whole, so nothing is ever half-imported.
"""
