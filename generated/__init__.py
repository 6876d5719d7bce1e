# generated from spec/ by tools/codegen.py — do not edit; change the spec and run `make generate`
"""Code generated from spec/. Never edit by hand."""
