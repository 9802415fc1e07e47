"""Matrix rules for the home page, the dashboard and the language switch (see matrix.py)."""

from .matrix import everyone, page, who

RULES = {
    # Visitors see the welcome page; people signed in go on to their dashboard.
    "home": {"GET": who(200, members=302, coordinators=302, others=302)},
    "dashboard": page(members=200, coordinators=200, others=200),
    # For load balancers and monitors: no session, nothing private.
    "healthz": {"GET": everyone(200, anonymous=200)},
    # Django's language switch: anyone, back to where they were (here "/").
    "set_language": {"GET": everyone(302, anonymous=302), "POST": everyone(302, anonymous=302)},
}
