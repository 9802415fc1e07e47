"""Bulk enrolment from a CSV file: check every cell first, then import all rows or none.

`import_preview` reads a file and says, cell by cell, what is wrong; `import_commit` reads the
same text again (a preview is never trusted), and only when nothing is wrong enrols everyone in
one transaction. The web page and the management command both call these two functions.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import AvailabilityWindow, User
from lodestar.core.emails import send_templated_email
from lodestar.webhooks import events as webhook_events

from .. import answers
from ..models import Answer, Enrolment, ProfileField, Program, Question, QuestionKind, Role
from ..policy import is_coordinator
from ..states import OPEN_FOR_INVITATIONS, EnrolmentStatus
from .enrolment import CAPACITY_MAX, CAPACITY_MIN
from .invitations import invitation_create

MAX_ROWS = 5000
NAME_MAX = User._meta.get_field("name").max_length

EMAIL, NAME, ROLE, CAPACITY = "email", "name", "role", "capacity"
PERSON_COLUMNS = (EMAIL, NAME, ROLE, CAPACITY)
# Columns the export adds; an exported file can be imported again, so they are known but unread.
EXPORT_ONLY_COLUMNS = ("status", "applied_at", "intake_completed")
ROLE_ORDER = (Role.MENTOR, Role.MENTEE, Role.PEER)

# Spreadsheets run cells starting with these as formulas; the export defuses them with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class CellError:
    column: str | None  # None: about the row as a whole
    message: str


@dataclass
class Cell:
    column: str
    value: str
    errors: list[str]


@dataclass(eq=False)
class ImportRow:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]  # by column heading as written in the file
    email: str = ""
    name: str = ""
    role: str = ""
    capacity: int | None = None
    answers: list[tuple[Question, Any]] = field(default_factory=list)
    user: User | None = None
    is_new: bool = False  # set on import, once the account has been created
    already_enrolled: bool = False
    errors: list[CellError] = field(default_factory=list)

    def add_error(self, column: str | None, message: str) -> None:
        self.errors.append(CellError(column, message))

    @property
    def row_errors(self) -> list[str]:
        return [error.message for error in self.errors if error.column is None]

    @property
    def cells(self) -> list[Cell]:
        return [
            Cell(column, value, [e.message for e in self.errors if e.column == column])
            for column, value in self.values.items()
        ]


@dataclass
class ImportPreview:
    text: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def new_people(self) -> int:
        return sum(1 for row in self.rows if row.user is None and row.email)

    @property
    def existing_people(self) -> int:
        return sum(1 for row in self.rows if row.user is not None and not row.already_enrolled)

    @property
    def already_enrolled(self) -> int:
        return sum(1 for row in self.rows if row.already_enrolled)

    def error_lines(self) -> list[str]:
        """Every problem on one line each, as the command prints them."""
        lines = list(self.file_errors)
        for row in self.rows:
            for error in row.errors:
                if error.column is None:
                    lines.append(
                        _("row %(row)d: %(message)s")
                        % {"row": row.number, "message": error.message}
                    )
                else:
                    lines.append(
                        _("row %(row)d, column %(column)s: %(message)s")
                        % {"row": row.number, "column": error.column, "message": error.message}
                    )
        return lines


@dataclass
class ImportResult:
    enrolled: int
    invited: int  # new people, sent an invitation to set up their account
    added: int  # people who already had an account, told by email
    profile_fields_kept: int  # existing people whose profile columns were left as they were


def question_columns(program: Program) -> list[tuple[str, list[Question]]]:
    """Question labels as CSV headings, mentor questions first; one heading per shared label."""
    questions = sorted(
        program.questions.all(),
        key=lambda q: (ROLE_ORDER.index(q.role) if q.role in ROLE_ORDER else 9, q.position, q.pk),
    )
    columns: dict[str, tuple[str, list[Question]]] = {}
    for question in questions:
        key = _heading_key(question.label)
        columns.setdefault(key, (question.label.strip(), []))[1].append(question)
    return list(columns.values())


def template_header(program: Program) -> list[str]:
    person = [EMAIL, NAME, ROLE] + ([CAPACITY] if Role.MENTOR in program.roles else [])
    return person + [label for label, _questions in question_columns(program)]


def import_template_csv(*, program: Program) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(template_header(program))
    return buffer.getvalue()


def import_preview(
    *, program: Program, file_bytes: bytes | None = None, text: str | None = None
) -> ImportPreview:
    """Read a participant CSV and check every cell; nothing is written."""
    preview = ImportPreview()
    decoded, error = _decode(file_bytes, text)
    if error:
        preview.file_errors.append(error)
        return preview
    preview.text = decoded
    if program.status not in OPEN_FOR_INVITATIONS:
        preview.file_errors.append(_("This program no longer takes new participants."))
        return preview
    try:
        table = _read_table(decoded)
    except csv.Error as exc:
        preview.file_errors.append(
            _("This file could not be read as CSV (%(problem)s).") % {"problem": exc}
        )
        return preview
    if table is None:
        preview.file_errors.append(_("The file is empty."))
        return preview
    header, records = table
    columns, errors = _map_columns(program, header)
    preview.file_errors.extend(errors)
    records = [(number, cells) for number, cells in records if not _is_blank_record(cells)]
    if not records and not errors:
        preview.file_errors.append(_("The file has a header row but no participants under it."))
    if len(records) > MAX_ROWS:
        preview.file_errors.append(
            _("The file has %(count)d rows; import at most %(max)d at a time.")
            % {"count": len(records), "max": MAX_ROWS}
        )
    if preview.file_errors:
        return preview
    preview.columns = [column.heading for column in columns if column.shown]
    preview.rows = [_parse_row(number, cells, columns, len(header)) for number, cells in records]
    _check_rows(program, preview.rows, columns)
    return preview


def import_commit(*, program: Program, text: str, by: User) -> ImportResult:
    """Enrol everyone in the file, approved, or nobody: raise ValidationError if any cell is wrong."""
    if not is_coordinator(by, program):
        raise PermissionDenied
    try:
        # Checked inside the transaction, so what is validated is what gets written.
        with transaction.atomic():
            preview = import_preview(program=program, text=text)
            if preview.has_errors:
                raise ValidationError(preview.error_lines())
            return _enrol_all(program, preview.rows, by)
    except IntegrityError:
        raise ValidationError(
            _(
                "Someone in the file joined the program or signed up while the import ran. "
                "Check the file again and import it once more."
            )
        ) from None


# Reading the file


def _decode(file_bytes: bytes | None, text: str | None) -> tuple[str, str | None]:
    limit = settings.IMPORT_MAX_BYTES
    if text is None:
        raw = file_bytes or b""
        if len(raw) > limit:
            return "", too_big_message(len(raw), limit)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "", _(
                "This file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and "
                "upload it again."
            )
    else:
        size = len(text.encode("utf-8", errors="replace"))
        if size > limit:
            return "", too_big_message(size, limit)
        text = text.removeprefix("\ufeff")
    if "\x00" in text:
        return "", _("This does not look like a CSV file. Save the sheet as CSV and upload that.")
    if not text.strip():
        return "", _("The file is empty.")
    return text, None


def too_big_message(size: int, limit: int) -> str:
    return _("The file is %(size)s; the largest accepted is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def _read_table(text: str) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    """The header and the numbered records under it; None if there is no header at all."""
    first_line = next(line for line in text.splitlines() if line.strip())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    # Numbered as a spreadsheet shows them, blank records included, so errors point at the row.
    numbered = [(number, cells) for number, cells in enumerate(reader, start=1)]
    while numbered and _is_blank_record(numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        return None
    return numbered[0][1], numbered[1:]


def _delimiter(header: str) -> str:
    """Comma or semicolon: the one that splits out the email or role heading, else a guess."""
    fitting = [
        delimiter
        for delimiter in (",", ";")
        if {EMAIL, ROLE}
        & {_heading_key(cell) for cell in next(csv.reader([header], delimiter=delimiter))}
    ]
    if len(fitting) == 1:
        # The sniffer alone is fooled by a label holding the other character ("Where, exactly?").
        return fitting[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;").delimiter
    except csv.Error:
        return ";" if ";" in header and "," not in header else ","


def _is_blank_record(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


@dataclass
class _Column:
    heading: str
    index: int
    kind: str  # email, name, role, capacity, question, ignored (export-only), blank (no heading)
    questions: dict[str, Question] = field(default_factory=dict)  # by role

    @property
    def shown(self) -> bool:
        return self.kind not in ("ignored", "blank")


def _heading_key(heading: str) -> str:
    return " ".join(heading.split()).casefold()


def _map_columns(program: Program, header: list[str]) -> tuple[list[_Column], list[str]]:
    by_label = {
        _heading_key(label): {q.role: q for q in questions}
        for label, questions in question_columns(program)
    }
    columns, unknown, seen, errors = [], [], {}, []
    for index, raw in enumerate(header):
        heading = raw.strip()
        key = _heading_key(heading)
        if not key:
            columns.append(_Column(f"#{index + 1}", index, "blank"))
            continue
        if key in seen:
            errors.append(_("The column “%(column)s” appears twice.") % {"column": heading})
            continue
        seen[key] = heading
        if key in PERSON_COLUMNS:
            columns.append(_Column(key, index, key))
        elif key in EXPORT_ONLY_COLUMNS:
            columns.append(_Column(heading, index, "ignored"))
        elif key in by_label:
            columns.append(_Column(heading, index, "question", by_label[key]))
        else:
            unknown.append(heading)
    if unknown:
        errors.append(
            _(
                "Unknown columns: %(columns)s. Use email, name, role, capacity and the labels of "
                "this program's questions."
            )
            % {"columns": ", ".join(f"“{h}”" for h in unknown)}
        )
    for required in (EMAIL, ROLE):
        if required not in seen:
            errors.append(_("The file needs a column headed “%(column)s”.") % {"column": required})
    return columns, errors


def _parse_row(number: int, cells: list[str], columns: list[_Column], width: int) -> ImportRow:
    row = ImportRow(number=number, values={})
    for column in columns:
        value = _undefuse(cells[column.index].strip()) if column.index < len(cells) else ""
        if column.kind == "blank":
            if value:
                row.add_error(None, _("A cell in a column without a heading has a value."))
        elif column.shown:
            row.values[column.heading] = value
    if not _is_blank_record(cells[width:]):
        row.add_error(None, _("This row has more cells than the header has columns."))
    return row


def _undefuse(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


# Checking the cells

_WHOLE_NUMBER = re.compile(r"\d+")


def _check_rows(program: Program, rows: list[ImportRow], columns: list[_Column]) -> None:
    first_row_of: dict[str, int] = {}
    for row in rows:
        _check_person(program, row)
        if row.email:
            if row.email in first_row_of:
                row.add_error(
                    EMAIL,
                    _("This email address is also on row %(row)d.")
                    % {"row": first_row_of[row.email]},
                )
            else:
                first_row_of[row.email] = row.number
        for column in columns:
            if column.kind == "question":
                _check_answer(row, column)
    _match_people(program, rows)


def _check_person(program: Program, row: ImportRow) -> None:
    email = row.values.get(EMAIL, "").lower()
    if not email:
        row.add_error(EMAIL, _("Enter an email address."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            row.add_error(EMAIL, _("“%(value)s” is not a valid email address.") % {"value": email})
        else:
            row.email = email
    row.name = row.values.get(NAME, "")
    if len(row.name) > NAME_MAX:
        row.add_error(NAME, _("Keep the name to %(max)d characters.") % {"max": NAME_MAX})

    role = row.values.get(ROLE, "").casefold()
    if role in program.roles:
        row.role = role
    elif not role:
        row.add_error(ROLE, _("Enter a role: %(roles)s.") % {"roles": ", ".join(program.roles)})
    else:
        row.add_error(
            ROLE,
            _("“%(value)s” is not a role in this program. Use one of: %(roles)s.")
            % {"value": row.values[ROLE], "roles": ", ".join(program.roles)},
        )

    capacity = row.values.get(CAPACITY, "")
    if not capacity:
        row.capacity = program.default_mentor_capacity if row.role == Role.MENTOR else None
    elif row.role and row.role != Role.MENTOR:
        row.add_error(CAPACITY, _("Only mentors have a capacity; leave this blank."))
    elif (
        not _WHOLE_NUMBER.fullmatch(capacity)
        # int() refuses over 4 300 digits; any capacity in range has far fewer.
        or len(capacity) > 9
        or not (CAPACITY_MIN <= int(capacity) <= CAPACITY_MAX)
    ):
        row.add_error(
            CAPACITY,
            _("Enter a whole number from %(min)d to %(max)d.")
            % {"min": CAPACITY_MIN, "max": CAPACITY_MAX},
        )
    else:
        row.capacity = int(capacity)


def _check_answer(row: ImportRow, column: _Column) -> None:
    if not row.role:
        return  # which question this is depends on the role, and the role is already wrong
    raw = row.values[column.heading]
    question = column.questions.get(row.role)
    if question is None:
        if raw:
            other = next(iter(column.questions))
            row.add_error(column.heading, _for_role_message(other))
        return
    if _is_availability(question):
        # Weekly availability lives on the profile only; a required one is checked at intake.
        if raw:
            row.add_error(
                column.heading,
                _("Weekly availability is set on the profile page, not in a file; leave it blank."),
            )
        return
    try:
        value = answers.clean_answer(question, raw)
    except ValidationError as exc:
        for message in exc.messages:
            row.add_error(column.heading, message)
        return
    row.answers.append((question, value))


def _is_availability(question: Question) -> bool:
    return (
        question.kind == QuestionKind.PROFILE
        and question.profile_field == ProfileField.AVAILABILITY
    )


def _for_role_message(role: str) -> str:
    return {
        Role.MENTOR: _("This question is for mentors; leave it blank for this person."),
        Role.MENTEE: _("This question is for mentees; leave it blank for this person."),
        Role.PEER: _("This question is for peers; leave it blank for this person."),
    }[role]


def _match_people(program: Program, rows: list[ImportRow]) -> None:
    emails = {row.email for row in rows if row.email}
    users = {user.email.lower(): user for user in User.objects.filter(email__in=emails)}
    enrolled = dict(
        Enrolment.objects.filter(program=program, user__email__in=emails).values_list(
            "user__email", "status"
        )
    )
    labels = dict(EnrolmentStatus.choices)
    for row in rows:
        row.user = users.get(row.email)
        if row.email in enrolled:
            row.already_enrolled = True
            row.add_error(
                EMAIL,
                _("This person is already in the program (%(status)s).")
                % {"status": labels[enrolled[row.email]]},
            )
        elif row.user is not None and not row.user.is_active:
            row.add_error(EMAIL, _("This account is deactivated; reactivate it first."))


# Writing


def _enrol_all(program: Program, rows: list[ImportRow], by: User) -> ImportResult:
    now = timezone.now()
    required = _required_questions(program)
    with_availability = _people_with_availability(program, rows)
    enrolments, stored_answers, kept = [], [], 0
    for row in rows:
        if row.user is None:
            row.user = User.objects.create_user(row.email, password=None, name=row.name)
            row.is_new = True
        answered = {question.pk for question, value in row.answers if value is not None}
        if row.user.pk in with_availability:
            answered |= {q.pk for q in required.get(row.role, []) if _is_availability(q)}
        complete = {q.pk for q in required.get(row.role, [])} <= answered
        enrolments.append(
            Enrolment(
                program=program,
                user=row.user,
                role=row.role,
                capacity=row.capacity,
                status=EnrolmentStatus.APPROVED,
                decided_at=now,
                decided_by=by,
                intake_completed_at=now if complete else None,
            )
        )
        kept += _apply_profile_answers(row)

    new_people = [row for row in rows if row.is_new]
    EmailAddress.objects.bulk_create(
        EmailAddress(user=row.user, email=row.user.email, verified=False, primary=True)
        for row in new_people
    )
    Enrolment.objects.bulk_create(enrolments)
    for row, enrolment in zip(rows, enrolments, strict=True):
        stored_answers.extend(
            Answer(enrolment=enrolment, question=question, value=value)
            for question, value in row.answers
            if value is not None and (row.is_new or question.kind != QuestionKind.PROFILE)
        )
    Answer.objects.bulk_create(stored_answers)
    webhook_events.enrolments_created(program, enrolments)

    for row in rows:
        if row.is_new:
            invitation_create(
                program=program,
                email=row.email,
                role=row.role,
                invited_by=by,
                capacity=row.capacity,
            )
        else:
            _tell_added(program, row, by)
    return ImportResult(
        enrolled=len(rows),
        invited=len(new_people),
        added=len(rows) - len(new_people),
        profile_fields_kept=kept,
    )


def _required_questions(program: Program) -> dict[str, list[Question]]:
    required: dict[str, list[Question]] = {}
    for question in program.questions.filter(required=True):
        required.setdefault(question.role, []).append(question)
    return required


def _people_with_availability(program: Program, rows: list[ImportRow]) -> set[int]:
    """Existing people who have set weekly availability (a required availability question)."""
    if not program.questions.filter(
        required=True, kind=QuestionKind.PROFILE, profile_field=ProfileField.AVAILABILITY
    ).exists():
        return set()
    ids = [row.user.pk for row in rows if row.user is not None]
    return set(AvailabilityWindow.objects.filter(user_id__in=ids).values_list("user_id", flat=True))


def _apply_profile_answers(row: ImportRow) -> int:
    """Fill in a new person's profile; 1 if an existing person's profile was left as it was.

    A person's profile is theirs: an import does not overwrite what they wrote.
    """
    profile_answers = [
        (question, value)
        for question, value in row.answers
        if question.kind == QuestionKind.PROFILE and value is not None
    ]
    if not row.is_new:
        return 1 if profile_answers else 0
    for question, value in profile_answers:
        answers.apply_profile_value(row.user, question.profile_field, value)
    return 0


def _tell_added(program: Program, row: ImportRow, by: User) -> None:
    site = settings.SITE_URL.rstrip("/")
    send_templated_email(
        to=row.user.email,
        template="participant_added",
        context={
            "program": program,
            "person": row.user,
            "role_label": Role(row.role).label,
            "added_by": by.display_name,
            "program_url": site + reverse("program_detail", kwargs={"slug": program.slug}),
            "intake_url": site + reverse("intake_form", kwargs={"slug": program.slug}),
        },
    )
