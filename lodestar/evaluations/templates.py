"""Ready-made surveys a coordinator starts from: their questions, who is asked, when, and how
anonymously. Strings are translated when a survey is made from a template, in the language of
the coordinator who makes it; from then on the survey is theirs to reword.

The defaults, and why:
- post-meeting pulse: two short questions after every meeting held; confidential, because
  per-meeting groups are always too small for anonymous results, and a coordinator who sees a
  run of poor meetings should be able to reach out to that pair.
- 30-day satisfaction: early enough to fix a poor start; confidential, for the same reason.
- mid-point review: halfway through the program (or 90 days into each mentorship when the
  program has no dates); anonymous, because it judges the program as a whole.
- end of program: when each mentorship's closure starts; anonymous, with the program's Net
  Promoter Score.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from lodestar.programs.models import Program

from .models import Anchor, Anonymity, Audience, QuestionKind

MIDPOINT_FALLBACK_DAYS = 90


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: object  # a lazy translation
    choices: tuple = ()
    required: bool = True


@dataclass(frozen=True)
class SurveyTemplate:
    key: str
    title: object
    intro: object
    anchor: str
    offset_days: int
    questions: tuple[QuestionSpec, ...]
    audience: str = Audience.EVERYONE
    anonymity: str = Anonymity.CONFIDENTIAL
    min_group_size: int = 5
    repeat_days: int | None = None
    open_days: int = 14
    remind_after_days: int = 4
    description: object = ""

    def schedule_for(self, program: Program) -> dict:
        """The schedule fields for this program (the mid-point depends on its dates)."""
        return {"anchor": self.anchor, "offset_days": self.offset_days}


@dataclass(frozen=True)
class MidpointTemplate(SurveyTemplate):
    def schedule_for(self, program: Program) -> dict:
        if program.start_date and program.end_date and program.end_date > program.start_date:
            return {
                "anchor": Anchor.PROGRAM_START,
                "offset_days": midpoint_offset(program.start_date, program.end_date),
            }
        return {"anchor": Anchor.MENTORSHIP_START, "offset_days": MIDPOINT_FALLBACK_DAYS}


def midpoint_offset(start: date, end: date) -> int:
    return max(1, (end - start).days // 2)


LIKERT = QuestionKind.LIKERT
TEXT = QuestionKind.TEXT

PULSE = SurveyTemplate(
    key="pulse",
    title=_("How was your meeting?"),
    intro=_("Two quick questions about the meeting you just held."),
    description=_("Post-meeting pulse: two questions after each meeting held."),
    anchor=Anchor.MEETING_HELD,
    offset_days=0,
    open_days=7,
    remind_after_days=3,
    questions=(
        QuestionSpec(LIKERT, _("The meeting was a good use of my time.")),
        QuestionSpec(TEXT, _("What would make the next one better?"), required=False),
    ),
)

SATISFACTION_30 = SurveyTemplate(
    key="satisfaction_30",
    title=_("Your first month"),
    intro=_("Thirty days in: tell us how your mentorship has started."),
    description=_("30-day satisfaction: thirty days after each mentorship starts."),
    anchor=Anchor.MENTORSHIP_START,
    offset_days=30,
    questions=(
        QuestionSpec(LIKERT, _("I am satisfied with my mentorship so far.")),
        QuestionSpec(LIKERT, _("We meet often enough.")),
        QuestionSpec(LIKERT, _("I know what we are working towards.")),
        QuestionSpec(TEXT, _("What would make your mentorship better?"), required=False),
    ),
)

MIDPOINT = MidpointTemplate(
    key="midpoint",
    title=_("Mid-point review"),
    intro=_("Halfway there: how is the program working for you?"),
    description=_(
        "Mid-point review: halfway through the program, or 90 days into each mentorship "
        "when the program has no end date. Anonymous."
    ),
    anchor=Anchor.PROGRAM_START,
    offset_days=MIDPOINT_FALLBACK_DAYS,
    anonymity=Anonymity.ANONYMOUS,
    questions=(
        QuestionSpec(LIKERT, _("I am making progress towards my goals.")),
        QuestionSpec(LIKERT, _("The program gives me the support I need.")),
        QuestionSpec(
            QuestionKind.SINGLE,
            _("How often do you meet?"),
            (_("Every week"), _("Every two weeks"), _("Every month"), _("Less often")),
        ),
        QuestionSpec(
            QuestionKind.MULTIPLE,
            _("What has helped you most?"),
            (
                _("The meetings"),
                _("Setting goals"),
                _("Resources and recommendations"),
                _("Introductions to other people"),
                _("Messages between meetings"),
            ),
            required=False,
        ),
        QuestionSpec(TEXT, _("What should change for the second half?"), required=False),
    ),
)

END_OF_PROGRAM = SurveyTemplate(
    key="end_of_program",
    title=_("Looking back on the program"),
    intro=_("Your mentorship is coming to an end. What you say shapes the next cohort."),
    description=_("End of program: when each mentorship's closure starts. Anonymous."),
    anchor=Anchor.CLOSURE,
    offset_days=0,
    anonymity=Anonymity.ANONYMOUS,
    questions=(
        QuestionSpec(
            QuestionKind.NPS,
            _("How likely are you to recommend this program to a friend or colleague?"),
        ),
        QuestionSpec(LIKERT, _("The program helped me reach my goals.")),
        QuestionSpec(LIKERT, _("I was well matched.")),
        QuestionSpec(TEXT, _("What should we change for the next cohort?"), required=False),
    ),
)

TEMPLATES: dict[str, SurveyTemplate] = {
    t.key: t for t in (PULSE, SATISFACTION_30, MIDPOINT, END_OF_PROGRAM)
}
