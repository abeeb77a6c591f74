"""The refusal of the evaluation app's rules (models, versions, who edits them)."""

from core.errors import DomainError


class EvaluationError(DomainError):
    """A rule of the evaluation models refused the request."""
