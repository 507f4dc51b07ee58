"""Every query arrears runs, grouped by the records they serve."""
