"""``Server-Timing: app;dur=<ms>`` on every response: the time the application took, middlewares included.

Browsers show it in their developer tools, and the crawler benchmark (bench/crawl.py) reports it beside the
time its clients saw, which on a loaded machine includes waiting for a CPU. It says how long, never what
was done. For a streamed response it covers the work until the body starts.
"""

import time


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response
