"""Drawing demo people: plausible, varied and consistent, from a seeded random generator.

Nothing here touches the database. Every choice comes from the `rng` passed in, in a fixed
order, so the same seed always yields the same people.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import TypeVar

from django.utils.text import slugify

from lodestar.programs.models import Role
from lodestar.programs.states import EnrolmentStatus

from . import data
from .data import Culture, Industry, Region

T = TypeVar("T")
Window = tuple[int, time, time]


@dataclass
class Person:
    """Everything about one demo person, decided before anything is written."""

    email: str
    name: str
    pronouns: str
    timezone: str
    location: str
    languages: list[str]
    industry: str
    organisation: str
    department: str
    job_title: str
    seniority: int
    years: int
    skills: list[str]
    interests: list[str]
    windows: list[Window]
    role: str = ""
    status: str = EnrolmentStatus.APPROVED
    capacity: int | None = None
    # Mentors: the topics they can teach and their own industry. Mentees: what they want to
    # learn and the industry they want to grow in.
    topics: list[str] = field(default_factory=list)
    target_industry: str = ""
    structure: int = 3
    bio: str = ""
    goals: str = ""
    headline: str = ""
    joined_days_ago: int = 0
    is_staff: bool = False
    is_superuser: bool = False


def _weighted(rng: random.Random, pairs: Iterable[tuple[T, float]]) -> T:
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _some(rng: random.Random, pool: Sequence[T], low: int, high: int) -> list[T]:
    return rng.sample(list(pool), min(len(pool), rng.randint(low, high)))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


class EmailBook:
    """Hands out unique addresses in the demo domain: ana.silva@…, then ana.silva2@…"""

    def __init__(self, reserved: Iterable[str] = ()):
        self.taken = {email.split("@")[0] for email in reserved}

    def address(self, first: str, last: str) -> str:
        base = ".".join(slugify(part.replace("ı", "i")) for part in (first, last))
        local, n = base, 1
        while local in self.taken:
            n += 1
            local = f"{base}{n}"
        self.taken.add(local)
        return f"{local}@{data.DEMO_DOMAIN}"


def _name(rng: random.Random, culture: Culture) -> tuple[str, str, str]:
    group = rng.choice(("women", "men"))
    first = rng.choice(culture.women if group == "women" else culture.men)
    last = rng.choice(culture.surnames)
    roll = rng.random()
    pronouns = "they/them" if roll < 0.04 else "" if roll < 0.15 else data.PRONOUNS[group]
    return first, last, pronouns


def draw_name(rng: random.Random) -> tuple[str, str]:
    """A first and last name from somewhere in the world."""
    _region, culture = _place(rng)
    first, last, _pronouns = _name(rng, culture)
    return first, last


def _languages(rng: random.Random, region: Region, culture: Culture) -> list[str]:
    codes = [
        code for code, chance in (*region.languages, *culture.languages) if rng.random() < chance
    ]
    return _unique(codes) or [region.languages[0][0]]


def _week(rng: random.Random, *, student: bool) -> list[Window]:
    """A few weekly windows that make sense in local time: before work, lunch, evenings..."""
    weights = {"early": 1, "lunch": 3, "afternoon": 4 if student else 1, "evening": 4}
    chosen: list[str] = []
    for _ in range(rng.choice((1, 1, 2))):
        remaining = [(name, w) for name, w in weights.items() if name not in chosen]
        chosen.append(_weighted(rng, remaining))
    windows: list[Window] = []
    for pattern in chosen:
        start, end = rng.choice(data.WEEKDAY_PATTERNS[pattern])
        for day in rng.sample(range(5), rng.randint(1, 3)):
            windows.append((day, start, end))
    roll = rng.random()
    if roll < 0.1:
        windows.extend(data.WEEKEND_WINDOWS)
    elif roll < 0.45:
        windows.append(rng.choice(data.WEEKEND_WINDOWS))
    return sorted(windows)


def _place(rng: random.Random) -> tuple[Region, Culture]:
    region = _weighted(rng, ((region, region.weight) for region in data.REGIONS))
    culture = data.CULTURES[_weighted(rng, region.cultures)]
    return region, culture


def _base(rng: random.Random, book: EmailBook, *, seniority_column: int) -> tuple[Person, Industry]:
    region, culture = _place(rng)
    first, last, pronouns = _name(rng, culture)
    industry = rng.choice(data.INDUSTRIES)
    seniority = _weighted(
        rng, ((level, spec[seniority_column]) for level, spec in data.SENIORITY.items())
    )
    years = rng.randint(*data.SENIORITY[seniority][2])
    if seniority == 1:
        organisation, department = rng.choice(data.UNIVERSITIES), ""
    else:
        organisation = rng.choice(industry.organisations)
        department = rng.choice(industry.departments)
    person = Person(
        email=book.address(first, last),
        name=f"{first} {last}",
        pronouns=pronouns,
        timezone=region.timezone,
        location=rng.choice(region.cities),
        languages=_languages(rng, region, culture),
        industry=industry.name,
        organisation=organisation,
        department=department,
        job_title=industry.titles[seniority - 1],
        seniority=seniority,
        years=years,
        skills=[],
        interests=[],
        windows=[],
        joined_days_ago=rng.randint(1, 120),
    )
    return person, industry


def draw_mentor(rng: random.Random, book: EmailBook) -> Person:
    person, industry = _base(rng, book, seniority_column=0)
    person.role = Role.MENTOR
    person.capacity = _weighted(rng, data.CAPACITY_WEIGHTS.items())
    person.topics = _unique(
        [*_some(rng, industry.topics, 1, 3), *_some(rng, data.GENERAL_TOPICS, 1, 3)]
        + (["Career change"] if rng.random() < 0.15 else [])
    )
    person.target_industry = industry.name
    person.skills = _unique([*person.topics, *_some(rng, industry.skills, 2, 3)])
    person.interests = _some(rng, data.INTERESTS, 1, 3)
    person.structure = _weighted(rng, zip(range(1, 6), (1, 3, 4, 3, 1), strict=True))
    person.windows = _week(rng, student=False)
    person.headline = f"{person.job_title} at {person.organisation}"
    person.bio = _mentor_bio(rng, person, industry)
    return person


def draw_mentee(rng: random.Random, book: EmailBook) -> Person:
    person, industry = _base(rng, book, seniority_column=1)
    person.role = Role.MENTEE
    student = person.seniority == 1
    changing = not student and rng.random() < 0.3
    target = (
        rng.choice([other for other in data.INDUSTRIES if other is not industry])
        if changing
        else industry
    )
    person.target_industry = target.name
    person.topics = _unique(
        (["Career change"] if changing else [])
        + [*_some(rng, target.topics, 1, 2), *_some(rng, data.GENERAL_TOPICS, 0, 2)]
    )[:4]
    person.skills = _some(rng, industry.skills, 1, 2)
    person.interests = _unique([*person.topics, *_some(rng, data.INTERESTS, 1, 2)])
    person.structure = _weighted(rng, zip(range(1, 6), (1, 2, 4, 3, 2), strict=True))
    person.windows = _week(rng, student=student)
    person.headline = (
        f"{industry.name} student at {person.organisation}"
        if student
        else f"{person.job_title} at {person.organisation}"
    )
    ambition = (
        "first_job"
        if student
        else "change"
        if changing
        else "grow"
        if person.seniority == 2
        else "lead"
    )
    person.goals = _mentee_goals(rng, person, industry, target, ambition)
    return person


def _mentee_goals(
    rng: random.Random, person: Person, industry: Industry, target: Industry, ambition: str
) -> str:
    city = person.location.split(",")[0]
    opening = rng.choice(data.STUDENT_OPENINGS if person.seniority == 1 else data.MENTEE_OPENINGS)
    needs = [data.TOPIC_NEEDS[topic] for topic in person.topics]
    joined = needs[0] if len(needs) == 1 else ", ".join(needs[:-1]) + " and " + needs[-1]
    return " ".join(
        (
            opening.format(
                article=_article(person.job_title),
                title_lower=person.job_title.lower(),
                organisation=person.organisation,
                city=city,
            ),
            data.AMBITIONS[ambition].format(
                industry=industry.name.lower(), target=target.name.lower()
            ),
            rng.choice(data.MENTEE_CLOSINGS).format(needs=joined),
        )
    )


def _mentor_bio(rng: random.Random, person: Person, industry: Industry) -> str:
    city = person.location.split(",")[0]
    first_title = industry.titles[1]
    story = rng.choice(data.MENTOR_STORIES).format(
        article=_article(first_title), first_title_lower=first_title.lower()
    )
    topics = ", ".join(topic.lower() for topic in person.topics[:-1])
    topics = f"{topics} and {person.topics[-1].lower()}" if topics else person.topics[0].lower()
    return " ".join(
        (
            f"{person.job_title} at {person.organisation} in {city}, with {person.years} years "
            f"in {industry.name.lower()}.",
            story,
            f"I can help with {topics}.",
            data.MENTOR_STYLES[person.structure],
        )
    )


def demo_mentor() -> Person:
    """Priya, the mentor login: a strong, explainable match for Lucas, the mentee login."""
    person = Person(
        email=data.MENTOR.email,
        name=data.MENTOR.name,
        pronouns="she/her",
        timezone="America/New_York",
        location="New York, USA",
        languages=["en", "ta", "es"],
        industry="Software",
        organisation="Kestrel Labs",
        department="Data",
        job_title="Engineering manager",
        seniority=5,
        years=14,
        skills=[
            "Data analysis",
            "Software engineering",
            "Career change",
            "Public speaking",
            "Leadership",
            "Python",
            "SQL",
            "System design",
        ],
        interests=["Open source", "Running", "Diversity and inclusion"],
        windows=[
            (1, time(12, 0), time(13, 0)),
            (2, time(18, 0), time(20, 0)),
            (3, time(12, 0), time(13, 0)),
            (5, time(9, 0), time(11, 0)),
        ],
        role=Role.MENTOR,
        capacity=2,
        topics=["Data analysis", "Software engineering", "Career change", "Public speaking"],
        target_industry="Software",
        structure=4,
        headline="Engineering manager at Kestrel Labs",
        joined_days_ago=200,
    )
    person.bio = (
        "Engineering manager at Kestrel Labs in New York, leading the data platform team. I "
        "moved into software from a logistics analyst job ten years ago, teaching myself Python "
        "on the train, so I know what a career change takes. I can help with data analysis, "
        "writing maintainable code, making the jump into tech and presenting to senior people. "
        "I like clear goals, an agenda for each session and small actions in between."
    )
    return person


def demo_mentee() -> Person:
    """Lucas, the mentee login: a retail data analyst in São Paulo who wants to move into tech."""
    return Person(
        email=data.MENTEE.email,
        name=data.MENTEE.name,
        pronouns="he/him",
        timezone="America/Sao_Paulo",
        location="São Paulo, Brazil",
        languages=["pt", "en", "es"],
        industry="Retail",
        organisation="Basketful",
        department="E-commerce",
        job_title="Junior data analyst",
        seniority=2,
        years=2,
        skills=["Excel", "SQL", "Pricing"],
        interests=[
            "Data analysis",
            "Software engineering",
            "Career change",
            "Public speaking",
            "Chess",
            "Podcasts",
        ],
        windows=[
            (1, time(14, 0), time(15, 0)),
            (2, time(19, 0), time(21, 0)),
            (3, time(14, 0), time(15, 0)),
            (5, time(10, 0), time(12, 0)),
        ],
        role=Role.MENTEE,
        topics=["Data analysis", "Software engineering", "Career change", "Public speaking"],
        target_industry="Software",
        structure=4,
        headline="Junior data analyst at Basketful",
        goals=(
            "I analyse sales data for Basketful, an online grocer in São Paulo. Within a year I "
            "want to move into a data engineering role at a software company. I'd love help "
            "learning to build reliable data pipelines, getting feedback on my Python, and "
            "presenting my findings to senior people in English with confidence."
        ),
        joined_days_ago=30,
    )


def _staff_person(login: data.Login, **fields) -> Person:
    return Person(
        email=login.email,
        name=login.name,
        pronouns=fields.pop("pronouns", ""),
        timezone="Europe/London",
        location="London, United Kingdom",
        languages=["en"],
        industry="Non-profit",
        organisation="Northstar Foundation",
        department="Programmes",
        job_title=fields.pop("job_title"),
        seniority=fields.pop("seniority", 5),
        years=12,
        skills=fields.pop("skills", []),
        interests=[],
        windows=[],
        role="",
        joined_days_ago=400,
        **fields,
    )


def draw_people(
    rng: random.Random, *, mentors: int, mentees: int, applicants: int, waitlisted: int
) -> list[Person]:
    """Everyone, in insertion order: staff, the demo logins, approved mentors and mentees, then
    the pending and waitlisted applications."""
    book = EmailBook(reserved=(login.email for login in data.LOGINS))
    people = [
        _staff_person(
            data.COORDINATOR,
            pronouns="she/her",
            job_title="Mentoring programme lead",
            skills=["Programme management", "Coaching", "Community organising"],
            headline="Runs the Northstar mentoring programmes",
        ),
        _staff_person(
            data.ADMIN,
            job_title="Site administrator",
            seniority=4,
            headline="Keeps Lodestar running for Northstar",
            is_staff=True,
            is_superuser=True,
        ),
    ]
    if mentors > 0:
        people.append(demo_mentor())
    people.extend(draw_mentor(rng, book) for _ in range(mentors - 1))
    if mentees > 0:
        people.append(demo_mentee())
    people.extend(draw_mentee(rng, book) for _ in range(mentees - 1))
    for n in range(applicants):
        # Mostly mentees apply late; now and then a mentor.
        person = draw_mentor(rng, book) if n % 4 == 3 else draw_mentee(rng, book)
        person.status = EnrolmentStatus.APPLIED
        people.append(person)
    for _ in range(waitlisted):
        person = draw_mentee(rng, book)
        person.status = EnrolmentStatus.WAITLISTED
        people.append(person)
    return people
