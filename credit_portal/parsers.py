"""The API's JSON parser: DRF's, with a bound on nesting and clean object keys.

Python's ``json`` recurses once per level, so a body of a few hundred kilobytes of ``[[[[...`` raised a
``RecursionError`` (a 500) in the parser. No request of this API needs more than a handful of levels (a list
of items, each with a ``data`` object of text values), so anything deeper than ``MAX_JSON_DEPTH`` is refused
with a 400 that says why, whatever the endpoint.

Object keys are names (field codes, parameters): a key with NUL, another control character or a lone
surrogate is refused here too. Such a key could not be reported under a field code anyway, and PostgreSQL
refuses ``\\u0000`` and lone surrogates in ``jsonb`` (the per-day rejection counts are keyed by field code).
Values stay as sent: record data reports them as field errors under their code (``records.validation``),
and DRF's ``CharField`` refuses them elsewhere.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from records.validation import UNSAFE_CHARACTERS

MAX_JSON_DEPTH = 32


def json_problem(value, limit: int = MAX_JSON_DEPTH) -> str | None:
    """What makes ``value`` unacceptable (in Chinese), or None. Iterative: a deep value cannot exhaust the
    stack here."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if any(not isinstance(key, str) or UNSAFE_CHARACTERS.search(key) for key in node):
                return "JSON 对象的键包含不允许的控制字符或无效字符（如 NUL、孤立代理项）。"
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return f"JSON 嵌套层数超过{limit}层，请检查请求体结构。"
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return None


class BoundedJSONParser(JSONParser):
    """JSON with at most ``MAX_JSON_DEPTH`` levels of lists and objects, and keys free of control characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            message = f"JSON 嵌套层数超过{MAX_JSON_DEPTH}层，请检查请求体结构。"
            raise ParseError(message, code="json_too_deep") from error
        if problem := json_problem(data):
            raise ParseError(problem, code="invalid_json")
        return data
