"""Single sign-on through an organisation's OpenID Connect provider (allauth's socialaccount).

The rule, applied to every SSO sign-in, new or returning: the provider must assert an email
address, say it is verified (the `email_verified` claim, strictly true), and the address's domain
must be one of OIDC_ALLOWED_DOMAINS. Then:

- a person already connected (same provider and `sub`) signs in, unless deactivated;
- a local account with that address is connected rather than duplicated: the provider, which the
  deployment trusts for those domains, has just proved the person controls the address. If the
  local address was never verified, allauth also wipes that account's password, so whoever
  registered the address before its owner cannot keep a way in;
- otherwise an account is created just in time, with no usable password and a display name from
  the claims.

Anything else gets a refusal page, and nothing is created or connected. Local two-factor
authentication, once a person has turned it on, is still asked for after an SSO sign-in, so
connecting an account never weakens it; people who only use SSO rely on the provider's own MFA.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

ANY_DOMAIN = "*"


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


NO_EMAIL = Refusal(
    "no_email",
    _("Your identity provider did not share an email address with us, so we cannot sign you in."),
)
UNVERIFIED = Refusal(
    "unverified",
    _(
        "Your identity provider has not verified your email address. Verify it there, then try "
        "again."
    ),
)
DOMAIN_NOT_ALLOWED = Refusal(
    "domain",
    _("Single sign-on is not open to addresses in this domain. Ask your coordinator for access."),
)
INACTIVE = Refusal(
    "inactive",
    _("This account has been deactivated. Ask a site administrator if you need it back."),
)


def claims_of(sociallogin) -> dict:
    """The provider's claims about the person: userinfo if fetched, else the id_token's."""
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or data.get("id_token") or data


def claimed_email(claims: dict) -> str:
    email = claims.get("email")
    return email.strip().lower() if isinstance(email, str) else ""


def email_is_verified(claims: dict) -> bool:
    # Strict: some providers send "false" as a string, which allauth itself would take as true.
    verified = claims.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.lower() == "true")


def domain_is_allowed(email: str) -> bool:
    allowed = getattr(settings, "OIDC_ALLOWED_DOMAINS", None) or []
    domain = email.rpartition("@")[2]
    return bool(domain) and (ANY_DOMAIN in allowed or domain in allowed)


def refusal_for(claims: dict) -> Refusal | None:
    """Why these claims may not sign anyone in, or None when they may."""
    email = claimed_email(claims)
    if not email:
        return NO_EMAIL
    if not email_is_verified(claims):
        return UNVERIFIED
    if not domain_is_allowed(email):
        return DOMAIN_NOT_ALLOWED
    return None


def display_name_from(claims: dict) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = (claims.get("given_name"), claims.get("family_name"))
        name = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return name.strip()[:150]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def can_authenticate_by_email(self, login, email: str) -> bool:
        # Connecting to a local account is a sign-in to it: the same rule as for a new account.
        claims = claims_of(login)
        return claimed_email(claims) == email.lower() and refusal_for(claims) is None

    def pre_social_login(self, request, sociallogin) -> None:
        # Runs after allauth has looked up a connected or same-address account, before anything
        # is connected, created or logged in.
        claims = claims_of(sociallogin)
        refusal = refusal_for(claims)
        user = sociallogin.user
        if refusal is None and user is not None and user.pk and not user.is_active:
            refusal = INACTIVE
        if refusal is None and not sociallogin.is_existing:
            refusal = self._refusal_for_inactive_owner(claimed_email(claims))
        if refusal is not None:
            self._refuse(request, sociallogin, refusal)
        self._normalise_addresses(sociallogin, claimed_email(claims))
        if sociallogin.is_existing and sociallogin.state.get("process") != "connect":
            self._adopt_verified_address(sociallogin.user, claimed_email(claims))

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return refusal_for(claims_of(sociallogin)) is None

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        user.name = display_name_from(claims_of(sociallogin))
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        # A bad id_token (audience, issuer, expiry) or an unreachable provider is a deployment
        # problem: the person sees allauth's failure page, the operator needs the cause.
        logger.warning(
            "SSO sign-in through %s failed: %s %r",
            getattr(provider, "id", provider),
            error,
            exception,
        )
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )

    def _refusal_for_inactive_owner(self, email: str) -> Refusal | None:
        # A deactivated account that owns the address is not looked up for connection (allauth
        # would then offer a sign-up form for the taken address): refuse it here instead.
        from allauth.account.models import EmailAddress

        owners = EmailAddress.objects.filter(email__iexact=email).values("user")
        inactive = get_user_model().objects.filter(is_active=False)
        if inactive.filter(Q(email__iexact=email) | Q(pk__in=owners)).exists():
            return INACTIVE
        return None

    def _adopt_verified_address(self, user, email: str) -> None:
        """Record the provider's verification on the person's own address.

        Otherwise mandatory verification would stop the sign-in to mail a confirmation link. An
        address that was never verified may have been registered by someone other than its
        owner, so that account's password goes first (allauth's own rule when it connects by
        email, applied here because marking the address verified would skip it).
        """
        from allauth.account.models import EmailAddress

        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if address is not None and address.verified:
            return
        if address is None and user.email.lower() != email:
            return  # the provider's address is not this account's: nothing to adopt
        with transaction.atomic():
            if user.has_usable_password():
                user.set_unusable_password()
                user.save(update_fields=["password"])
            if address is None:
                has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
                EmailAddress.objects.create(
                    user=user, email=email, verified=True, primary=not has_primary
                )
            else:
                address.verified = True
                address.save(update_fields=["verified"])

    def _normalise_addresses(self, sociallogin, email: str) -> None:
        for address in sociallogin.email_addresses:
            address.email = address.email.lower()
            address.verified = address.email == email
        if sociallogin.user is not None and not sociallogin.user.pk:
            sociallogin.user.email = email

    def _refuse(self, request, sociallogin, refusal: Refusal):
        email = claimed_email(claims_of(sociallogin))
        logger.info(
            "SSO sign-in refused (%s) for a %s address through %s",
            refusal.code,
            email.rpartition("@")[2] or "missing",
            sociallogin.account.provider,
        )
        response = render(
            request,
            "socialaccount/sso_refused.html",
            {"refusal": refusal, "provider_name": getattr(sociallogin.provider, "name", "")},
            status=403,
        )
        raise ImmediateHttpResponse(response)
