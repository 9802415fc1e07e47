"""What a coordinator should look at first on the program page: calls for help and the pairs
at risk. Names, dates and reasons only — what people wrote stays on the pages that need it."""

from dataclasses import dataclass, field
from datetime import datetime

from lodestar.programs.models import Program

from .health import Health, attach_members, program_health
from .models import CheckIn, HealthStatus

SHOWN = 5


@dataclass
class Attention:
    help_requests: list[CheckIn] = field(default_factory=list)
    help_count: int = 0
    at_risk: list[Health] = field(default_factory=list)
    at_risk_count: int = 0
    quiet_count: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.help_count or self.at_risk_count or self.quiet_count)


def program_attention(program: Program, now: datetime | None = None) -> Attention:
    """The oldest open calls for help and the pairs most at risk, SHOWN of each, with counts.
    A bounded number of queries, whatever the size of the program."""
    open_help = CheckIn.objects.filter(
        mentorship__program=program, wants_contact=True, handled_at__isnull=True
    )
    pairs = program_health(program, now)
    at_risk = [pair for pair in pairs if pair.status == HealthStatus.AT_RISK]
    return Attention(
        help_requests=list(open_help.select_related("user").order_by("created_at", "id")[:SHOWN]),
        help_count=open_help.count(),
        at_risk=attach_members(at_risk[:SHOWN]),
        at_risk_count=len(at_risk),
        quiet_count=sum(pair.status == HealthStatus.QUIET for pair in pairs),
    )
