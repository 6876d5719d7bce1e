# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
"""Contains endpoint functions for accessing the API"""
