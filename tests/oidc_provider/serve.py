"""``python -m tests.oidc_provider.serve PORT``: migrate, create the users and the client, serve until killed."""

import json
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # the test's output stays readable
        pass


def main(port: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0)
    for username, user in json.loads(os.environ["OIDC_TEST_USERS"]).items():
        get_user_model().objects.create_user(username=username, password=user["password"])
    client = json.loads(os.environ["OIDC_TEST_CLIENT"])
    get_application_model().objects.create(
        name="credit-portal",
        client_id=client["id"],
        client_secret=client["secret"],
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=client["redirect_uri"],
        algorithm="RS256",
        skip_authorization=True,
    )
    server = make_server("127.0.0.1", port, get_wsgi_application(), handler_class=QuietHandler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
