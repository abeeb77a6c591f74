"""Model-field validators that wrap the identifier rules, so forms and ``full_clean`` give the same messages."""

from django.core.exceptions import ValidationError

from . import identifiers as ids


def validate_uscc(value: str) -> None:
    """A stored USCC must be valid and already normalised (services normalise before saving)."""
    try:
        normalized = ids.normalize_uscc(value)
    except ids.IdentifierError as error:
        raise ValidationError(str(error), code="invalid_uscc") from error
    if normalized != value:
        raise ValidationError("统一社会信用代码须为18位大写字符，不含空格。", code="uscc_not_normalized")
