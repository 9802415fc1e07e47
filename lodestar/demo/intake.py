"""The demo program's intake form, and how a demo person answers it.

Each mentee question used for matching names the mentor question it is compared with, so the
form exercises every matching rule: overlap, same, above, near, availability and text.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lodestar.programs.models import ProfileField, Question, QuestionKind, Rule

from . import data
from .people import Person


@dataclass(frozen=True)
class Ask:
    """One intake question; `key` names the Person attribute that answers it."""

    key: str
    label: str
    kind: str
    profile_field: str = ""
    choices: Sequence[str] = ()
    help_text: str = ""
    required: bool = True
    min_value: float | None = None
    max_value: float | None = None
    # For mentee questions used in matching: the mentor question's key, the rule, the weight,
    # whether a zero score forbids the pair, and the tolerance of "near".
    compare_with: str = ""
    rule: str = ""
    weight: int = 5
    match_required: bool = False
    tolerance: float | None = None

    def as_data(self, *, role: str, paired: Question | None) -> dict[str, Any]:
        """The question as `question_create` takes it."""
        return {
            "role": role,
            "label": self.label,
            "help_text": self.help_text,
            "kind": self.kind,
            "profile_field": self.profile_field,
            "choices": list(self.choices),
            "required": self.required,
            "min_value": self.min_value,
            "max_value": self.max_value,
            "is_criterion": paired is not None,
            "paired_with": paired,
            "rule": self.rule,
            "weight": self.weight,
            "match_required": self.match_required,
            "tolerance": self.tolerance,
        }


def _profile_ask(key: str, label: str, profile_field: str, **extra) -> Ask:
    return Ask(key, label, QuestionKind.PROFILE, profile_field=profile_field, **extra)


STRUCTURE_HELP = "1 = free-flowing conversations, 5 = an agenda and homework every time."

MENTOR_FORM = (
    Ask(
        "topics",
        "What can you teach?",
        QuestionKind.MULTIPLE_CHOICE,
        choices=data.TOPICS,
        help_text="Pick the topics you could help a mentee with.",
    ),
    Ask(
        "target_industry",
        "Which industry do you know best?",
        QuestionKind.SINGLE_CHOICE,
        choices=data.INDUSTRY_NAMES,
    ),
    _profile_ask("job_title", "What is your job title?", ProfileField.JOB_TITLE),
    _profile_ask("seniority", "How senior are you?", ProfileField.SENIORITY),
    Ask("years", "Years of experience", QuestionKind.NUMBER, min_value=0, max_value=50),
    _profile_ask("skills", "Your skills", ProfileField.SKILLS, required=False),
    _profile_ask("languages", "Which languages can you mentor in?", ProfileField.LANGUAGES),
    _profile_ask("timezone", "Which time zone are you in?", ProfileField.TIMEZONE),
    _profile_ask(
        "availability",
        "When can you meet?",
        ProfileField.AVAILABILITY,
        help_text="Your weekly availability, from your profile, in your own time zone.",
    ),
    Ask(
        "structure",
        "How structured is your mentoring style?",
        QuestionKind.SCALE,
        help_text=STRUCTURE_HELP,
    ),
    Ask(
        "bio",
        "Tell mentees about yourself",
        QuestionKind.LONG_TEXT,
        help_text="Your path, what you can help with, and how you like to work.",
    ),
)

MENTEE_FORM = (
    Ask(
        "topics",
        "What do you want to learn?",
        QuestionKind.MULTIPLE_CHOICE,
        choices=data.TOPICS,
        help_text="Pick up to four.",
        compare_with="topics",
        rule=Rule.OVERLAP,
        weight=8,
        match_required=True,
    ),
    Ask(
        "target_industry",
        "Which industry do you want to grow in?",
        QuestionKind.SINGLE_CHOICE,
        choices=data.INDUSTRY_NAMES,
        compare_with="target_industry",
        rule=Rule.SAME,
        weight=6,
    ),
    _profile_ask("job_title", "What is your job title or course?", ProfileField.JOB_TITLE),
    _profile_ask(
        "seniority",
        "Where are you in your career?",
        ProfileField.SENIORITY,
        compare_with="seniority",
        rule=Rule.ABOVE,
        weight=5,
    ),
    Ask(
        "years",
        "Years of experience",
        QuestionKind.NUMBER,
        min_value=0,
        max_value=50,
        compare_with="years",
        rule=Rule.ABOVE,
        weight=2,
    ),
    _profile_ask("interests", "Your interests", ProfileField.INTERESTS, required=False),
    _profile_ask(
        "languages",
        "Which languages can you be mentored in?",
        ProfileField.LANGUAGES,
        compare_with="languages",
        rule=Rule.OVERLAP,
        weight=6,
        match_required=True,
    ),
    _profile_ask(
        "timezone",
        "Which time zone are you in?",
        ProfileField.TIMEZONE,
        compare_with="timezone",
        rule=Rule.NEAR,
        weight=4,
        tolerance=3,
    ),
    _profile_ask(
        "availability",
        "When can you meet?",
        ProfileField.AVAILABILITY,
        help_text="Your weekly availability, from your profile, in your own time zone.",
        compare_with="availability",
        rule=Rule.AVAILABILITY,
        weight=7,
    ),
    Ask(
        "structure",
        "How structured do you like your mentoring?",
        QuestionKind.SCALE,
        help_text=STRUCTURE_HELP,
        compare_with="structure",
        rule=Rule.NEAR,
        weight=3,
        tolerance=2,
    ),
    Ask(
        "goals",
        "What do you want to achieve in this program?",
        QuestionKind.LONG_TEXT,
        help_text="A few sentences: where you are, where you want to be, what is in the way.",
        compare_with="bio",
        rule=Rule.TEXT,
        weight=4,
    ),
)

CIRCLE_TOPICS = (
    "Giving feedback",
    "Delegating",
    "Hiring",
    "Managing former peers",
    "Difficult conversations",
    "Prioritising",
)


def answer_value(person: Person, question_key: str) -> Any:
    """What this person answers to the question with this key, as stored."""
    return getattr(person, question_key)


def is_answered(ask: Ask) -> bool:
    # Weekly availability lives on the profile, never in an Answer row.
    return ask.profile_field != ProfileField.AVAILABILITY
