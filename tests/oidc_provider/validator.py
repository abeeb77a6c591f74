"""The claims of each test user (``OIDC_TEST_USERS``), in the ID token and at the userinfo endpoint."""

import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim of the user, whatever the scopes (a provider's own choice)

    def get_additional_claims(self, request):
        users = json.loads(os.environ.get("OIDC_TEST_USERS", "{}"))
        return dict(users.get(request.user.username, {}).get("claims", {}))
