"""Connexion's request validation with everything derived from the spec built once, not once per request.

Connexion 3.3 constructs a new `jsonschema` validator for every request body, every header/query/path parameter
and every validated response — with the spec's whole `components` attached to body schemas, so each construction
also builds a `referencing` registry — and deep-copies every parameter definition first. These subclasses keep
connexion's code paths and messages exactly and only memoise the validator per schema object: the schemas are
the spec's own dicts, which live as long as the app and are never changed after start-up, and jsonschema
validators keep no per-validation state, so one instance can validate any number of instances.

`VALIDATOR_MAP` is connexion's default map with these classes in place of the JSON ones.

`CachedRequestValidationMiddleware` replaces connexion's `RequestValidationMiddleware`: per request, connexion
also builds a URI parser, a parameter validator, the operation's media-type table and its body definition (three
times) from the operation. Its operations run connexion's `__call__` step for step, with those objects made once
per operation (body rules only for the media types the spec lists, so a client's Content-Type cannot grow the
cache); what depends on the request (the parameters, the Content-Type and its charset, the body) is read per
request as before, with the same errors and log lines.
"""

from __future__ import annotations

import functools
import logging

from connexion import utils
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import UnsupportedMediaTypeProblem
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    FormDataValidator,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    MultiPartFormDataValidator,
    ParameterValidator,
    TextResponseBodyValidator,
)
from jsonschema import Draft4Validator, ValidationError

logger = logging.getLogger("connexion.middleware.validation")  # connexion's logger, as its own operation logs
_FORMATS = Draft4Validator.FORMAT_CHECKER
_cache: dict[tuple[type, int], tuple[dict, object]] = {}


def _validator(cls: type, schema: dict):
    """The `cls` validator of `schema`, built on first use. Keyed by the schema object's identity; the entry
    holds the schema itself, so the id cannot be reused by another object while the entry lives."""
    key = (cls, id(schema))
    hit = _cache.get(key)
    if hit is None or hit[0] is not schema:
        hit = (schema, cls(schema, format_checker=_FORMATS))
        _cache[key] = hit
    return hit[1]


class CachedJSONRequestBodyValidator(JSONRequestBodyValidator):
    @property
    def _validator(self):
        return _validator(Draft4RequestValidator, self._schema)


class CachedJSONResponseBodyValidator(JSONResponseBodyValidator):
    @property
    def validator(self):
        return _validator(Draft4ResponseValidator, self._schema)


class CachedTextResponseBodyValidator(TextResponseBodyValidator):
    @property
    def validator(self):
        return _validator(Draft4ResponseValidator, self._schema)


class CachedParameterValidator(ParameterValidator):
    @staticmethod
    def validate_parameter(parameter_type, value, param, param_name=None):
        # connexion's ParameterValidator.validate_parameter, without the deep copy (nothing is modified) and with
        # the validator built once per parameter schema.
        if is_nullable(param) and is_null(value):
            return None
        elif value is not None:
            try:
                _validator(Draft4Validator, param.get("schema", param)).validate(value)
            except ValidationError as exception:
                return str(exception)
        elif param.get("required"):
            return f"Missing {parameter_type} parameter '{param['name']}'"
        return None


VALIDATOR_MAP = {
    "parameter": CachedParameterValidator,
    "body": MediaTypeDict({
        "*/*json": CachedJSONRequestBodyValidator,
        "application/x-www-form-urlencoded": FormDataValidator,
        "multipart/form-data": MultiPartFormDataValidator,
    }),
    "response": MediaTypeDict({
        "*/*json": CachedJSONResponseBodyValidator,
        "text/plain": CachedTextResponseBodyValidator,
    }),
}


_NO_BODY_RULES = object()


class CachedRequestValidationOperation(RequestValidationOperation):
    @functools.cached_property
    def _uri_parser(self):
        op = self._operation
        return op._uri_parser_class(op.parameters, op.body_definition())

    @functools.cached_property
    def _parameter_validator(self):
        return self._validator_map["parameter"](self._operation.parameters, uri_parser=self._uri_parser,
                                                strict_validation=self.strict_validation,
                                                security_query_params=self.security_query_params)

    @functools.cached_property
    def _consumes(self) -> MediaTypeDict:
        return MediaTypeDict([(c.lower(), None) for c in self._operation.consumes])

    @functools.cached_property
    def _body_rules_by_type(self) -> dict:
        return {}

    def validate_mime_type(self, mime_type: str) -> None:
        if not self._operation.consumes:
            return
        if mime_type.lower() not in self._consumes:
            raise UnsupportedMediaTypeProblem(
                detail=f"Invalid Content-type ({mime_type}), expected {self._operation.consumes}")

    def _body_rules(self, mime_type: str):
        """(validator class, schema, required, nullable) for a body of `mime_type`, None when connexion would not
        validate it; remembered only for media types written in the spec."""
        rules = self._body_rules_by_type.get(mime_type)
        if rules is not None:
            return None if rules is _NO_BODY_RULES else rules
        op = self._operation
        schema = op.body_schema(mime_type)
        if not schema:
            rules = _NO_BODY_RULES
        else:
            try:
                validator_cls = self._validator_map["body"][mime_type]
            except KeyError:
                logger.info(f"Skipping validation. No validator registered for content type: {mime_type}.")
                return None  # not remembered: connexion logs this on every request
            rules = (validator_cls, schema, op.request_body.get("required", False),
                     utils.is_nullable(op.body_definition(mime_type)))
        if mime_type in op.consumes:
            self._body_rules_by_type[mime_type] = rules
        return None if rules is _NO_BODY_RULES else rules

    async def __call__(self, scope, receive, send):
        # connexion's RequestValidationOperation.__call__, step for step.
        self._parameter_validator.validate(scope)
        mime_type, encoding = self.extract_content_type(scope["headers"])
        self.validate_mime_type(mime_type)
        rules = self._body_rules(mime_type)
        if rules is not None:
            validator_cls, schema, required, nullable = rules
            validator = validator_cls(schema=schema, required=required, nullable=nullable, encoding=encoding,
                                      strict_validation=self.strict_validation, uri_parser=self._uri_parser)
            receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)


class CachedRequestValidationAPI(RequestValidationAPI):
    def make_operation(self, operation) -> RequestValidationOperation:
        return CachedRequestValidationOperation(self.next_app, operation=operation,
                                                strict_validation=self.strict_validation,
                                                validator_map=self.validator_map)


class CachedRequestValidationMiddleware(RequestValidationMiddleware):
    api_cls = CachedRequestValidationAPI
