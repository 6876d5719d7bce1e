# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
"""A client library for accessing Cooud Exchange API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
