"""Matrix rules for allauth's pages under accounts/ (sign-in, sign-up, passwords, email
addresses, two-factor authentication, single sign-on), by URL name (see matrix.py)."""

from .matrix import SKIP, everyone, who

# Signed in, the sign-in and sign-up pages send one on to the dashboard.
SIGNED_IN_AWAY = who(200, members=302, coordinators=302, others=302)
# Pages of a step one is not in the middle of (a code to confirm, a second factor, a single
# sign-on sign-up): back to the start for everyone.
NOT_IN_A_STEP = everyone(302, anonymous=302)
PUBLIC = everyone(200, anonymous=200)
ACCOUNT = everyone(200)
# Two-factor pages that need a fresh password first.
REAUTHENTICATE = everyone(302)
# Nothing to show yet: the world's people have no TOTP device and no recovery codes.
NO_DEVICE = everyone(404)
# allauth's old addresses of the single sign-on pages: permanent redirects to the new ones.
MOVED = everyone(301, anonymous=301)

# allauth's forms are for whoever reaches them: the matrix does not post to them (their own
# tests are in tests/accounts/ and tests/core/).
RULES = {
    "account_login": {"GET": SIGNED_IN_AWAY, "POST": SKIP},
    "account_signup": {"GET": SIGNED_IN_AWAY, "POST": SKIP},
    "account_logout": {"GET": who(302, members=200, coordinators=200, others=200), "POST": SKIP},
    "account_inactive": {"GET": PUBLIC},
    "account_reauthenticate": {"GET": ACCOUNT, "POST": SKIP},
    # Re-authentication by emailed code (allauth 65.22): the page offering to send one, then
    # the step of entering it, which no one is in.
    "account_request_reauthentication_code": {"GET": ACCOUNT, "POST": SKIP},
    "account_confirm_reauthentication_code": {"GET": NOT_IN_A_STEP, "POST": SKIP},
    "account_email": {"GET": ACCOUNT, "POST": SKIP},
    "account_email_verification_sent": {"GET": PUBLIC},
    # A key that does not exist: the page says so.
    "account_confirm_email": {"GET": PUBLIC, "POST": SKIP},
    "account_change_password": {"GET": ACCOUNT, "POST": SKIP},
    # Everyone has a password already: on to changing it.
    "account_set_password": {"GET": REAUTHENTICATE, "POST": SKIP},
    "account_reset_password": {"GET": PUBLIC, "POST": SKIP},
    "account_reset_password_done": {"GET": PUBLIC},
    # A key that does not exist: the page says the link is bad.
    "account_reset_password_from_key": {"GET": PUBLIC, "POST": SKIP},
    "account_reset_password_from_key_done": {"GET": PUBLIC},
    "account_confirm_login_code": {"GET": NOT_IN_A_STEP, "POST": SKIP},
    "mfa_index": {"GET": ACCOUNT},
    "mfa_authenticate": {"GET": NOT_IN_A_STEP, "POST": SKIP},
    "mfa_reauthenticate": {"GET": REAUTHENTICATE, "POST": SKIP},
    "mfa_activate_totp": {"GET": REAUTHENTICATE, "POST": SKIP},
    "mfa_deactivate_totp": {"GET": NO_DEVICE, "POST": SKIP},
    "mfa_view_recovery_codes": {"GET": NO_DEVICE},
    "mfa_generate_recovery_codes": {"GET": REAUTHENTICATE, "POST": SKIP},
    "mfa_download_recovery_codes": {"GET": NO_DEVICE, "POST": SKIP},
    "socialaccount_connections": {"GET": ACCOUNT, "POST": SKIP},
    "socialaccount_login_cancelled": {"GET": PUBLIC},
    # allauth answers 401 on its sign-in error page.
    "socialaccount_login_error": {"GET": everyone(401, anonymous=401)},
    "socialaccount_signup": {"GET": NOT_IN_A_STEP, "POST": SKIP},
    "accounts/social/login/cancelled/": {"GET": MOVED, "POST": SKIP},
    "accounts/social/login/error/": {"GET": MOVED, "POST": SKIP},
    "accounts/social/signup/": {"GET": MOVED, "POST": SKIP},
    "accounts/social/connections/": {"GET": MOVED, "POST": SKIP},
    # No provider of that name is configured.
    "openid_connect_login": {"GET": everyone(404, anonymous=404), "POST": SKIP},
    "openid_connect_callback": {"GET": everyone(404, anonymous=404), "POST": SKIP},
}


def placeholders(world) -> dict:
    return {"key": "not-a-key", "uidb36": "1", "provider_id": "nowhere"}
