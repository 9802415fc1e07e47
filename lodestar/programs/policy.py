"""Who may see or do what in a program. Every view, endpoint and command asks here."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import EnrolmentMode, Program
from .states import ProgramStatus


def can_create_programs(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_perm("programs.add_program"))


def is_coordinator(user, program: Program) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or program.coordinators.filter(pk=user.pk).exists()


def get_program_for_coordinator(user, slug: str) -> Program:
    """The program with this slug if the user coordinates it; 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Program.objects.coordinated_by(user), slug=slug)


def get_program_for_participant(user, slug: str) -> Program:
    """The program if the user may see it: open for enrolment, enrolled in, or coordinated."""
    return get_object_or_404(Program.objects.visible_to(user), slug=slug)


def open_to_self_enrolment(program: Program) -> bool:
    return (
        program.status == ProgramStatus.ENROLLING
        and program.enrolment_mode != EnrolmentMode.INVITATION
    )
