"""The steps of the request edge (impl/edge/pipeline.py) that carry policy: client address (context), rate-limit
admission (ratelimit), authentication (auth), Idempotency-Key claims (idempotency) and lifecycle headers
(lifecycle). Plain functions and small classes called by the one pipeline — none of them is an ASGI layer."""
