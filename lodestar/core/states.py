"""Explicit state machines: every entity's allowed transitions live in one table."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class IllegalTransition(ValidationError):
    """Raised when an entity is asked to move to a state it cannot reach from where it is."""


class StateMachine:
    def __init__(self, name: str, transitions: Mapping[str, set[str]], labels: Mapping[str, str]):
        self.name = name
        self.transitions = transitions
        self.labels = labels

    def allowed(self, current: str) -> set[str]:
        return set(self.transitions.get(current, set()))

    def can(self, current: str, target: str) -> bool:
        return target in self.allowed(current)

    def check(self, current: str, target: str) -> None:
        if not self.can(current, target):
            raise IllegalTransition(
                _("A %(entity)s cannot go from “%(current)s” to “%(target)s”.")
                % {
                    "entity": self.name,
                    "current": self.labels.get(current, current),
                    "target": self.labels.get(target, target),
                },
                code="illegal_transition",
            )
