"""The request edge: the spec compiled once (compiled.py, router.py, strict_json.py) and the one pipeline that
runs every request through it (pipeline.py)."""
