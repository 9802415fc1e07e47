"""Who may see whose profile, and whose email address.

People see each other when they share a program: each of them either coordinates it or takes
part in it (an enrolment that is neither declined nor withdrawn). A coordinator also sees
everyone who ever enrolled in their program, since those people stay on its participant list.
Everyone else gets a 404, so the page does not even confirm that the person exists.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from lodestar.programs.models import Enrolment, Program

from .models import User


def people_visible_to(viewer) -> QuerySet[User]:
    if not viewer.is_authenticated:
        return User.objects.none()
    if viewer.is_superuser:
        return User.objects.all()
    coordinated = Program.objects.filter(coordinators=viewer).values("pk")
    taking_part = Enrolment.objects.active().filter(user=viewer).values("program_id")
    shared = Program.objects.filter(Q(pk__in=coordinated) | Q(pk__in=taking_part)).values("pk")
    coordinates_shared = Exists(
        Program.coordinators.through.objects.filter(user_id=OuterRef("pk"), program_id__in=shared)
    )
    enrolled_in_coordinated = Exists(
        Enrolment.objects.filter(user_id=OuterRef("pk"), program_id__in=coordinated)
    )
    taking_part_in_shared = Exists(
        Enrolment.objects.active().filter(user_id=OuterRef("pk"), program_id__in=shared)
    )
    return User.objects.filter(
        Q(pk=viewer.pk)
        | (
            Q(is_active=True)
            & (coordinates_shared | enrolled_in_coordinated | taking_part_in_shared)
        )
    )


def get_person_for(viewer, pk: int) -> User:
    """The person with this id if the viewer may see their profile; 404 for everyone else."""
    if not viewer.is_authenticated:
        raise Http404
    return get_object_or_404(people_visible_to(viewer), pk=pk)


def can_see_email(viewer, person: User) -> bool:
    """Email addresses are for coordinators, about people in the programs they run."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser:
        return True
    coordinated = Program.objects.filter(coordinators=viewer)
    return coordinated.filter(Q(coordinators=person) | Q(enrolments__user=person)).exists()
