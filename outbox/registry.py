"""Which handlers a topic has: filled by the higher apps in ``AppConfig.ready``, read by the delivery.

A handler is a function of the item's payload (plain JSON); it runs in the worker, must be idempotent (an
item is delivered at least once: again after a failure of any handler of its topic, or when a worker died
before marking it done) and raises when its work is not done, so that the item is tried again.
"""

from __future__ import annotations

from collections.abc import Callable

Handler = Callable[[dict], object]

_handlers: dict[str, list[Handler]] = {}


def register(topic: str, handler: Handler) -> None:
    """Add ``handler`` to ``topic`` (once: ``ready`` may run more than once in tests)."""
    handlers = _handlers.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def handlers(topic: str) -> list[Handler]:
    return list(_handlers.get(topic, []))


def handler_name(handler: Handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', repr(handler))}"
