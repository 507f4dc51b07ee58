"""Analytics: reports and measures computed over the store."""
