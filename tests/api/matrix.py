"""The authorisation matrix's vocabulary, shared by the `rules_*.py` modules.

Each `tests/api/rules_<area>.py` module declares, for the operations of its area:
- `RULES`: operationId → the status each role gets (build one with `rule`);
- `BODIES` (optional): operationId → the JSON body a write sends, so that the rule tests who
  may act rather than a missing field;
- `placeholders(world)` (optional): the values of its paths' `{placeholders}`, creating what
  they point at; `world` has the program, the pair, the people (`world.people[role]`) and a
  goal of the mentee's.
`test_matrix.py` gathers them all and fails for any operation that no module covers.
"""

ROLES = ("anonymous", "mentee", "mentor", "other_member", "outsider", "coordinator", "site_admin")


def rule(anonymous=401, *, members, coordinators, others=404) -> dict[str, int]:
    """The usual shape: the pair's members, the program's coordinators (and site admins), and
    everyone else signed in (a member of another program, a person in no program)."""
    return {
        "anonymous": anonymous,
        "mentee": members,
        "mentor": members,
        "other_member": others,
        "outsider": others,
        "coordinator": coordinators,
        "site_admin": coordinators,
    }
