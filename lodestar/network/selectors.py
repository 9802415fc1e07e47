"""Reads: who may find whom in the directory, whom a mentor may introduce, the introductions a
person may open, and the counts coordinators see. Every function runs a fixed number of queries.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from lodestar.accounts.models import User
from lodestar.programs.models import Enrolment

from .models import DirectoryListing, Introduction, Referral, Scope
from .states import IntroductionStatus


def people_sharing_a_program(user: User) -> QuerySet:
    """Ids of the people with an approved place in a program where `user` has one too."""
    programs = Enrolment.objects.approved().filter(user=user).values("program")
    return Enrolment.objects.approved().filter(program__in=programs).values("user")


def visible_listings(viewer: User) -> QuerySet:
    """The listings this person may see: listed ones only (unlisted people never appear, to
    coordinators and admins neither), "site" ones for every signed-in person, "program" ones
    for the people who share a program with their owner."""
    if not viewer.is_authenticated:
        return DirectoryListing.objects.none()
    return DirectoryListing.objects.filter(listed=True, user__is_active=True).filter(
        Q(scope=Scope.SITE) | Q(user__in=people_sharing_a_program(viewer)) | Q(user=viewer)
    )


def directory(viewer: User, *, skill: str = "", organisation: str = "", location: str = ""):
    listings = visible_listings(viewer)
    if skill:
        from lodestar.accounts.models import Profile

        has_skill = Profile.objects.filter(
            user=OuterRef("user"), skills__name__icontains=skill.strip()
        )
        listings = listings.filter(Exists(has_skill))
    if organisation:
        term = organisation.strip()
        listings = listings.filter(
            Q(user__profile__organisation__icontains=term)
            | Q(user__profile__department__icontains=term)
            | Q(user__profile__headline__icontains=term)
        )
    if location:
        listings = listings.filter(user__profile__location__icontains=location.strip())
    return (
        listings.select_related("user", "user__profile")
        .prefetch_related("user__profile__skills")
        .order_by("user__name", "user__email", "pk")
    )


def listing_of(user: User) -> DirectoryListing:
    """The person's listing, or an unsaved unlisted one."""
    return DirectoryListing.objects.filter(user=user).first() or DirectoryListing(user=user)


def introducible_people(introducer: User) -> QuerySet:
    """Whom a mentor may introduce a mentee to: people they can find in the directory, and
    anyone sharing a program with them."""
    listed = visible_listings(introducer).values("user")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=listed) | Q(pk__in=people_sharing_a_program(introducer)))
        .exclude(pk=introducer.pk)
        .order_by("name", "email")
    )


def get_introduction_for(user: User, pk: int) -> Introduction:
    """The introduction for the three people in it; 404 for everyone else, coordinators too."""
    if not user.is_authenticated:
        raise Http404
    introduction = (
        Introduction.objects.involving(user)
        .select_related("introducer", "mentee", "other", "mentorship__program")
        .filter(pk=pk)
        .first()
    )
    if introduction is None:
        raise Http404
    return introduction


def my_introductions(user: User) -> dict:
    rows = list(
        Introduction.objects.involving(user).select_related("introducer", "mentee", "other")[:200]
    )
    return {
        "made": [i for i in rows if i.introducer_id == user.pk],
        "received": [i for i in rows if i.introducer_id != user.pk],
    }


def status_counts(introductions: QuerySet) -> dict[str, int]:
    counts = {status: 0 for status, _label in IntroductionStatus.choices}
    for row in introductions.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def program_counts(program) -> dict:
    """Counts for a program's coordinators: by status, never a name or a note."""
    counts = status_counts(Introduction.objects.filter(mentorship__program=program))
    return {
        "rows": [(label, counts[status]) for status, label in IntroductionStatus.choices],
        "introductions": sum(counts.values()),
        "referrals": Referral.objects.filter(mentorship__program=program).count(),
    }
