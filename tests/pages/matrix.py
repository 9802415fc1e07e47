"""The pages' authorisation matrix: its vocabulary, shared by the `rules_*.py` modules.

Each `tests/pages/rules_<area>.py` module declares, for the URL names of its area:
- `RULES`: URL name → `{"GET": statuses, "POST": statuses}`, where statuses maps every role to
  what it gets: a status code, `LOGIN` (a redirect to the sign-in page) or `ADMIN_LOGIN`.
  Build them with `who(...)`, `page(...)`, `form(...)` and `action(...)` below. Without a
  "POST" entry the page is read-only: the matrix posts to it as each role that may read it and
  expects 405, so a page cannot grow a hidden write. `"POST": SKIP` says why not (allauth's own
  forms);
- `placeholders(world)` (optional): the values of its paths' parameters, by parameter name for
  the whole module, or by URL name for one URL (`{"pk": …, "goal_detail": {"pk": …, …}}`).

`test_matrix.py` gathers them all and fails for any URL of the project that no module covers, a
rule that names a URL that no longer exists, and a rule that leaves out a role.

A refused POST (403, 404, 405, or to sign in) must also change nothing: the matrix compares
every row of the project's tables before and after.
"""

ROLES = ("anonymous", "mentee", "mentor", "other_member", "outsider", "coordinator", "site_admin")

LOGIN = "login"  # 302 to the sign-in page, with `next`
ADMIN_LOGIN = "admin login"  # 302 to Django admin's sign-in page
SKIP = "not posted"

# Refusals of who asks. A 400 is not among them: the person may act, the empty form is wrong (and
# a member's thread page, shown again with its error, still marks the thread read).
REFUSED = {403, 404, 405, LOGIN, ADMIN_LOGIN}


def who(anonymous=LOGIN, *, members, coordinators, others=404, **each) -> dict:
    """The usual shape: the pair's members (mentee and mentor), the program's coordinators (and
    site admins), and everyone else signed in (a member of another program, a person in no
    program). Any role can be set on its own: `who(members=200, coordinators=404, mentor=403)`.
    """
    statuses = {
        "anonymous": anonymous,
        "mentee": members,
        "mentor": members,
        "other_member": others,
        "outsider": others,
        "coordinator": coordinators,
        "site_admin": coordinators,
    }
    unknown = set(each) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    return {**statuses, **each}


def everyone(status, anonymous=LOGIN) -> dict:
    return who(anonymous, members=status, coordinators=status, others=status)


def page(**statuses) -> dict:
    """A page that only shows: GET as `who(...)`; a POST is refused with 405."""
    return {"GET": who(**statuses)}


def form(*, post: dict | None = None, **statuses) -> dict:
    """A page with a form: the same people may GET and POST (an empty POST shows the form again
    with its errors, 200), unless `post` says otherwise."""
    get = who(**statuses)
    return {"GET": get, "POST": post or get}


def action(*, get: dict | None = None, **statuses) -> dict:
    """A URL that only acts: POST as `who(...)`; a GET is refused (405 once signed in)."""
    return {"GET": get or everyone(405), "POST": who(**statuses)}
