"""The base of the forms people type into (applications, subject accounts)."""

from django import forms

from .text import UNSAFE_CHARACTERS


class SafeTextForm(forms.Form):
    """Refuses control characters, lone surrogates and bidirectional overrides in every text field, as the
    other channels do (Django refuses only NUL): what the public types is shown to staff, mailed and logged."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and UNSAFE_CHARACTERS.search(value):
                self.add_error(name, "包含不允许的控制字符或不可见的方向控制字符，请删除后重新提交。")
        return cleaned
