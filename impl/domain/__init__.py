"""The exchange's domain core: markets, books, trades, candles. No web framework, no generated code, no database
driver is imported here; the outside world reaches it through `ports` (store) and plain values (clock)."""
