"""Matrix rules for the directory, introductions and referrals (see matrix.py). The mentor
introduced the mentee to a third person of `spring`."""

from .matrix import action, form, page

RULES = {
    "directory": page(members=200, coordinators=200, others=200),
    "directory_settings": form(members=200, coordinators=200, others=200),
    "introductions": page(members=200, coordinators=200, others=200),
    # The introduction's people: the mentor made it, the mentee is asked (and Tess, not a role).
    "introduction_detail": page(members=200, coordinators=404),
    "introduction_answer": action(members=302, coordinators=404),
    # Introductions and referrals are made by the pair's mentor for the mentee.
    "introduction_new": form(members=404, coordinators=404, mentor=200),
    "referral_new": form(members=404, coordinators=404, mentor=200),
    "program_network": page(members=404, coordinators=200),
}


def placeholders(world) -> dict:
    return {
        "slug": world.program.slug,
        "pk": world.introduction.pk,
        "introduction_new": {"pk": world.pair.pk},
        "referral_new": {"pk": world.pair.pk},
    }
