"""The one type of a refusal by a domain rule: ``message`` for people (Chinese), ``code`` for systems, ``field``
for the input it is about ("" when it is about the whole request).

Each app names its own subclass (``RecordError``, ``SanctionsError``, ``ApplicationError``...) so that an
``except`` says whose rule refused; the API turns any of them into a 400 (credit_portal/api_errors.py) and a
form shows it next to its field (:func:`form_add_error`).
"""


class DomainError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", field: str = ""):
        super().__init__(message)
        self.message, self.code, self.field = message, code, field


def form_add_error(form, error: DomainError) -> None:
    """Show ``error`` on ``form``: on its field when the form has one of that name, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
