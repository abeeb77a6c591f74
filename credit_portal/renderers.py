"""The API's JSON renderer: DRF's, readable Chinese, and never a 500 for a lone surrogate.

Answers echo what the caller sent (an unknown field code, an invalid scenario, a code that is not a USCC).
When that is a lone UTF-16 surrogate (``"\\ud800"`` is valid JSON syntax), the UTF-8 encoding of the answer
fails; the answer is then written with ASCII escapes, which every JSON reader decodes to the same text.
"""

from __future__ import annotations

import copy

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            escaped = copy.copy(self)
            escaped.ensure_ascii = True
            return escaped.render(data, accepted_media_type, renderer_context)
