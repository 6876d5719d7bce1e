"""HTTP handlers, one module per spec tag; connexion resolves operationId `getTicker` in tag `markets` to
`impl.api.markets.get_ticker`. Handlers stay short: parse -> call a domain service -> map to the wire shape."""
