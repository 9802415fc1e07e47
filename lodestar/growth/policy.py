"""Who may use a program's resource library, and which of its resources (pages and API)."""

from __future__ import annotations

from django.http import Http404

from lodestar.programs.models import Program
from lodestar.programs.policy import get_program_for_participant

from . import selectors, services
from .models import Resource


def get_program_for_library(user, slug: str) -> tuple[Program, services.ResourceRights]:
    """The program and what the person may do in its library, for its approved participants and
    its coordinators; 404 for everyone else (an open program's library is not public)."""
    if not user.is_authenticated:
        raise Http404
    program = get_program_for_participant(user, slug)
    rights = services.resource_rights(user, program)
    if not (rights.coordinates or rights.participates):
        raise Http404
    return program, rights


def get_program_resource(program: Program, pk: int, *, coordinates: bool) -> Resource:
    resource = selectors.program_resource(program, pk)
    if resource is None or (resource.hidden and not coordinates):
        raise Http404
    return resource


def get_editable_resource(
    user, slug: str, pk: int
) -> tuple[Program, services.ResourceRights, Resource]:
    """The resource if this person may edit it (its program's coordinators, or the mentor who
    added it); 404 for everyone else, whether or not they can see it in the library."""
    program, rights = get_program_for_library(user, slug)
    resource = get_program_resource(program, pk, coordinates=rights.coordinates)
    if not rights.may_edit(resource):
        raise Http404
    return program, rights, resource
