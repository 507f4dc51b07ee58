"""The debtor portal: everything a debtor can do alone, from a signed link."""
