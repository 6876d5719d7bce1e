"""The hand-written Cooud exchange server.

Dependencies point one way: spec -> generated -> impl.api -> impl.domain. `impl.domain` imports no web
framework, no generated code and no database driver; `impl.store` implements the domain's store interface;
`impl.app.create_app` is the one factory that wires everything together (nothing happens at import time).
"""
