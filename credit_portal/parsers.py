"""The API's JSON parser: DRF's, with a bound on nesting.

Python's ``json`` recurses once per level, so a body of a few hundred kilobytes of ``[[[[...`` raised a
``RecursionError`` (a 500) in the parser. No request of this API needs more than a handful of levels (a list
of items, each with a ``data`` object of text values), so anything deeper than ``MAX_JSON_DEPTH`` is refused
with a 400 that says why, whatever the endpoint.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


def json_depth_exceeds(value, limit: int) -> bool:
    """Whether ``value`` nests lists or objects more than ``limit`` levels deep (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class BoundedJSONParser(JSONParser):
    """JSON with at most ``MAX_JSON_DEPTH`` levels of lists and objects."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = json_depth_exceeds(data, MAX_JSON_DEPTH)
        if too_deep:
            raise ParseError(f"JSON 嵌套层数超过{MAX_JSON_DEPTH}层，请检查请求体结构。", code="json_too_deep")
        return data
