"""The transactional outbox: what must follow a commit is written in the same transaction, then delivered.

The lowest layer (``outbox → audit → subjects → records → sanctions → disclosure → operations``): it knows
no domain. A service writes an item with ``outbox.services.outbox_add`` inside its transaction; a higher app
registers the handlers of a topic with ``outbox.register`` in its ``AppConfig.ready``.
"""

from .registry import register

__all__ = ["register"]
