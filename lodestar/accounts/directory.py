"""Directory sync: the HR directory's export (CSV or JSON) makes Lodestar's people match it.

Each row names a person by email, with their name, department, job title, manager's email and
whether they are still active. `directory_sync` reads every row and checks all of them first
(a bad cell anywhere and nothing changes), then, in one transaction, creates the people Lodestar
does not know yet, updates what changed, deactivates those marked inactive (and, when asked,
directory-managed people the file no longer lists) and reactivates those marked active again.
Running it twice with the same file changes nothing the second time; a dry run reports what a
real run would do and writes nothing.

Rules worth knowing:
- The HR directory is the source of truth for the columns the file has: a blank cell clears
  the value, a column the file leaves out is left alone (a file without `title` keeps titles).
- Department and job title are the profile's own fields, so matching criteria such as "from
  another department" read the directory's values.
- New people get an unusable password and no email: they sign in through "forgot password" or
  single sign-on when they first come.
- A superuser is never deactivated by a sync (reported as skipped). A file is an export from
  another system, often produced by a script; if a bad export could switch off every
  superuser, nobody would be left to sign in and put it right, and a site admin calling the API
  could switch themselves off mid-request. Deactivate a superuser in the admin, by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .directory_file import (
    DEPARTMENT,
    MANAGER,
    NAME,
    TITLE,
    DirectoryRow,
    InvalidDirectory,
    RowError,
    check_rows,
    read_rows,
)
from .models import Profile, User

# Ids per IN (...) list: well under every database's limit on query parameters.
CHUNK = 900

# What each person's line says happened, in the order the report lists them.
CREATED, UPDATED, DEACTIVATED, REACTIVATED, SKIPPED, UNCHANGED = (
    "created",
    "updated",
    "deactivated",
    "reactivated",
    "skipped",
    "unchanged",
)
ACTIONS = (CREATED, UPDATED, DEACTIVATED, REACTIVATED, SKIPPED, UNCHANGED)
ACTION_LABELS = {
    CREATED: gettext_lazy("created"),
    UPDATED: gettext_lazy("updated"),
    DEACTIVATED: gettext_lazy("deactivated"),
    REACTIVATED: gettext_lazy("reactivated"),
    SKIPPED: gettext_lazy("skipped"),
    UNCHANGED: gettext_lazy("unchanged"),
}
# The fields a report line can name as changed.
SYNCED_FIELDS = ("name", "department", "title", "manager", "active")


@dataclass
class PersonChange:
    email: str
    action: str
    fields: list[str] = field(default_factory=list)  # what changed, from SYNCED_FIELDS
    note: str = ""

    def line(self) -> str:
        text = f"{ACTION_LABELS[self.action]!s:<11} {self.email}"
        if self.fields:
            text += " (" + ", ".join(self.fields) + ")"
        if self.note:
            text += f" — {self.note}"
        return text


@dataclass
class SyncReport:
    dry_run: bool
    people: list[PersonChange] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for person in self.people:
            counts[person.action] += 1
        return counts

    @property
    def changed(self) -> int:
        """How many people the sync changes (a skipped superuser's other fields count)."""
        return sum(1 for person in self.people if person.action == CREATED or person.fields)

    def lines(self) -> list[str]:
        ordered = sorted(self.people, key=lambda p: (ACTIONS.index(p.action), p.email))
        return [person.line() for person in ordered]

    def summary(self) -> str:
        counts = self.counts
        text = (
            _(
                "%(created)d created, %(updated)d updated, %(deactivated)d deactivated, "
                "%(reactivated)d reactivated, %(skipped)d skipped, %(unchanged)d unchanged."
            )
            % counts
        )
        if self.dry_run:
            text += " " + _("Dry run: nothing was changed.")
        return text


# Checking against the database ---------------------------------------------------------


@dataclass
class _Known:
    """What the database holds now about one person."""

    pk: int
    email: str
    name: str
    is_active: bool
    is_superuser: bool
    manager_id: int | None
    department: str | None  # None: no profile yet
    title: str | None


def _load_people(emails: Iterable[str]) -> dict[str, _Known]:
    known: dict[str, _Known] = {}
    emails = list(emails)
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        for values in _by_emails(chunk).values(
            "pk",
            "email",
            "name",
            "is_active",
            "is_superuser",
            "manager_id",
            "profile__department",
            "profile__job_title",
        ):
            known[values["email"].lower()] = _Known(
                pk=values["pk"],
                email=values["email"].lower(),
                name=values["name"],
                is_active=values["is_active"],
                is_superuser=values["is_superuser"],
                manager_id=values["manager_id"],
                department=values["profile__department"],
                title=values["profile__job_title"],
            )
    return known


def _missing_managers(rows: list[DirectoryRow], known: dict[str, _Known]) -> list[RowError]:
    """Every manager must be someone: in the file, or already in Lodestar."""
    listed = {row.email for row in rows}
    return [
        RowError(
            row.number,
            MANAGER,
            _("Nobody with the address %(email)s is in the file or in Lodestar.")
            % {"email": row.manager_email},
        )
        for row in rows
        if row.manager_email and row.manager_email not in listed and row.manager_email not in known
    ]


def _cycles(rows: list[DirectoryRow]) -> list[RowError]:
    # Each person has at most one manager, so following managers from anyone either stops or
    # runs into a loop; a loop through someone in the file is the file's doing.
    email_of = dict(User.objects.values_list("pk", "email"))
    manager_of = {
        email_of[pk].lower(): email_of[manager].lower()
        for pk, manager in User.objects.filter(manager__isnull=False).values_list("pk", "manager")
    }
    for row in rows:
        if row.manager_email:
            manager_of[row.email] = row.manager_email
        elif row.manager_email == "":
            manager_of.pop(row.email, None)
    number_of = {row.email: row.number for row in rows}
    done: set[str] = set()
    errors = []
    for start in number_of:
        path: list[str] = []
        on_path: set[str] = set()
        person: str | None = start
        while person is not None and person not in done and person not in on_path:
            path.append(person)
            on_path.add(person)
            person = manager_of.get(person)
        if person is not None and person in on_path:
            loop = path[path.index(person) :]
            chain = " → ".join([*loop, person])
            for member in loop:
                if member in number_of:
                    errors.append(
                        RowError(
                            number_of[member],
                            MANAGER,
                            _("These managers go round in a circle: %(chain)s.") % {"chain": chain},
                        )
                    )
        done.update(path)
    return errors


# Planning and applying ----------------------------------------------------------------------


@dataclass
class _Plan:
    report: SyncReport
    create: list[DirectoryRow] = field(default_factory=list)
    user_updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # email -> changes
    profile_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    manager_of: dict[str, str | None] = field(default_factory=dict)  # email -> manager email
    deactivate_missing: list[int] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)


def _plan(
    rows: list[DirectoryRow],
    known: dict[str, _Known],
    *,
    dry_run: bool,
    deactivate_missing: bool,
) -> _Plan:
    plan = _Plan(report=SyncReport(dry_run=dry_run))
    pk_of = {email: person.pk for email, person in known.items()}
    for row in rows:
        plan.listed.append(row.email)
        person = known.get(row.email)
        if person is None:
            plan.create.append(row)
            if row.manager_email:
                plan.manager_of[row.email] = row.manager_email
            note = _("inactive") if row.active is False else ""
            plan.report.people.append(PersonChange(row.email, CREATED, note=note))
            continue
        plan.report.people.append(_plan_existing(plan, row, person, pk_of))
    if deactivate_missing:
        _plan_missing(plan)
    return plan


def _plan_existing(
    plan: _Plan, row: DirectoryRow, person: _Known, pk_of: dict[str, int]
) -> PersonChange:
    user: dict[str, Any] = {}
    profile: dict[str, Any] = {}
    changed: list[str] = []
    if NAME in row.values and (row.values[NAME] or "") != person.name:
        user["name"] = row.values[NAME] or ""
        changed.append("name")
    for column, attribute, current in (
        (DEPARTMENT, "department", person.department),
        (TITLE, "job_title", person.title),
    ):
        if column in row.values and (row.values[column] or "") != (current or ""):
            profile[attribute] = row.values[column] or ""
            changed.append("title" if column == TITLE else column)
    if row.manager_email is not None:
        wanted = pk_of.get(row.manager_email) if row.manager_email else None
        if wanted != person.manager_id or (row.manager_email and wanted is None):
            plan.manager_of[row.email] = row.manager_email or None
            changed.append("manager")
    action, note = (UPDATED if changed else UNCHANGED), ""
    if row.active is False and person.is_active:
        if person.is_superuser:
            action, note = SKIPPED, _superuser_note()
        else:
            user["is_active"] = False
            action = DEACTIVATED
            changed.append("active")
    elif row.active is True and not person.is_active:
        user["is_active"] = True
        action = REACTIVATED
        changed.append("active")
    if user:
        plan.user_updates[row.email] = user
    if profile:
        plan.profile_updates[row.email] = profile
    return PersonChange(row.email, action, changed, note)


def _superuser_note() -> str:
    return _("a superuser is never deactivated by a sync; do it in the admin if you mean it")


def _plan_missing(plan: _Plan) -> None:
    listed = set(plan.listed)
    absent = (
        User.objects.filter(directory_synced_at__isnull=False, is_active=True)
        .order_by("email")
        .values_list("pk", "email", "is_superuser")
    )
    for pk, email, is_superuser in absent:
        if email.lower() in listed:
            continue
        if is_superuser:
            plan.report.people.append(PersonChange(email, SKIPPED, note=_superuser_note()))
        else:
            plan.deactivate_missing.append(pk)
            plan.report.people.append(
                PersonChange(
                    email,
                    DEACTIVATED,
                    ["active"],
                    note=_("no longer in the directory"),
                )
            )


def _apply(plan: _Plan) -> None:
    now = timezone.now()
    _create_people(plan.create, now)
    people = _pks(plan.listed)
    if plan.user_updates:
        users = User.objects.in_bulk([people[email] for email in plan.user_updates])
        for email, changes in plan.user_updates.items():
            for key, value in changes.items():
                setattr(users[people[email]], key, value)
        User.objects.bulk_update(users.values(), ["name", "is_active"], batch_size=CHUNK)
    _update_profiles(plan, people)
    if plan.manager_of:
        managers = _pks(m for m in plan.manager_of.values() if m)
        users = User.objects.in_bulk([people[email] for email in plan.manager_of])
        for email, manager in plan.manager_of.items():
            users[people[email]].manager_id = managers[manager] if manager else None
        User.objects.bulk_update(users.values(), ["manager"], batch_size=CHUNK)
    if plan.deactivate_missing:
        User.objects.filter(pk__in=plan.deactivate_missing).update(is_active=False)
    ids = list(people.values())
    for start in range(0, len(ids), CHUNK):
        User.objects.filter(pk__in=ids[start : start + CHUNK]).update(directory_synced_at=now)


def _by_emails(emails: list[str]):
    # Addresses are stored in lower case, but an old account typed in by hand might not be.
    return User.objects.annotate(email_key=Lower("email")).filter(email_key__in=emails)


def _pks(emails: Iterable[str]) -> dict[str, int]:
    wanted = list(set(emails))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = _by_emails(wanted[start : start + CHUNK])
        found.update({email.lower(): pk for pk, email in rows.values_list("pk", "email")})
    return found


def _create_people(rows: list[DirectoryRow], now) -> list[User]:
    if not rows:
        return []
    users = []
    for row in rows:
        user = User(
            email=row.email,
            name=row.values.get(NAME) or "",
            is_active=row.active is not False,
            directory_synced_at=now,
        )
        # They sign in through a password reset or single sign-on; nobody knows a password.
        user.set_unusable_password()
        users.append(user)
    # In bulk, so the profile signal does not fire: the profiles are made here, filled in.
    users = User.objects.bulk_create(users, batch_size=CHUNK)
    if any(user.pk is None for user in users):
        users = list(User.objects.filter(email__in=[row.email for row in rows]))
    by_email = {user.email: user for user in users}
    Profile.objects.bulk_create(
        [
            Profile(
                user=by_email[row.email],
                department=row.values.get(DEPARTMENT) or "",
                job_title=row.values.get(TITLE) or "",
            )
            for row in rows
        ],
        batch_size=CHUNK,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=False, primary=True) for user in users],
        batch_size=CHUNK,
    )
    return users


def _update_profiles(plan: _Plan, people: dict[str, int]) -> None:
    if not plan.profile_updates:
        return
    ids = [people[email] for email in plan.profile_updates]
    profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=ids)}
    fresh = []
    for email, changes in plan.profile_updates.items():
        profile = profiles.get(people[email])
        if profile is None:
            profile = Profile(user_id=people[email])
            fresh.append(profile)
            profiles[people[email]] = profile
        for key, value in changes.items():
            setattr(profile, key, value)
    Profile.objects.bulk_create(fresh)
    existing = [p for p in profiles.values() if p not in fresh]
    Profile.objects.bulk_update(existing, ["department", "job_title"], batch_size=CHUNK)


# The service --------------------------------------------------------------------------------


def directory_sync(
    *,
    data: str | bytes | list,
    format: str,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    by: User | None = None,
) -> SyncReport:
    """Make Lodestar's people match the HR directory export in `data`; what changed, person by
    person. Raises InvalidDirectory (a ValidationError) listing every bad row: then nothing
    changed. `by` is the site admin asking (None: the console, whose user already holds the
    keys to the database)."""
    if by is not None and not (by.is_authenticated and by.is_active and by.is_superuser):
        raise PermissionDenied(_("Only site administrators can sync the directory."))
    rows, errors = read_rows(data, format)
    if any(error.row is None for error in errors):
        raise InvalidDirectory([error for error in errors if error.row is None])
    try:
        # Checked inside the transaction, so that what is checked is what gets written.
        with transaction.atomic():
            errors += check_rows(rows)
            managers = {row.manager_email for row in rows if row.manager_email}
            known = _load_people({row.email for row in rows if row.email} | managers)
            errors += _missing_managers(rows, known)
            if not errors:
                errors = _cycles(rows)
            if errors:
                raise InvalidDirectory(errors)
            plan = _plan(rows, known, dry_run=dry_run, deactivate_missing=deactivate_missing)
            if not dry_run:
                _apply(plan)
    except IntegrityError:
        raise ValidationError(
            _(
                "Someone in the file signed up or was changed while the sync ran. "
                "Run the sync again."
            ),
            code="conflict",
        ) from None
    return plan.report
