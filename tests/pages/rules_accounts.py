"""Matrix rules for profiles, availability, people, API tokens and sessions (see matrix.py)."""

from .matrix import action, everyone, form, page

RULES = {
    # Everyone signed in has a profile, availability and API tokens of their own.
    "profile": form(members=200, coordinators=200, others=200),
    "availability_edit": form(members=200, coordinators=200, others=200),
    # An empty form to create a token: "a name is needed" (400).
    "api_tokens": {"GET": everyone(200), "POST": everyone(400)},
    # The token is the mentee's: nobody else can even tell it exists.
    "api_token_revoke": action(members=404, coordinators=404, mentee=302),
    # Everyone sees where they are signed in; signing a session out asks for the password again
    # first (the matrix's people signed in without one): to the re-authentication page.
    "usersessions_list": page(members=200, coordinators=200, others=200),
    "session_end": action(members=302, coordinators=302, others=302),
    "sessions_end_others": action(members=302, coordinators=302, others=302),
    # The mentee's profile: people who share a program with her (accounts/policy.py).
    "person_detail": page(members=200, coordinators=200),
}


def placeholders(world) -> dict:
    return {"person_detail": {"pk": world.people["mentee"].pk}, "pk": world.api_token.pk}
