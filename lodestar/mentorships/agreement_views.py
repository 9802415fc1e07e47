"""The agreement's pages: a mentorship's agreement (for its members only), its earlier versions,
and the program's template (for its coordinators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.programs.forms import add_service_errors
from lodestar.programs.policy import get_program_for_coordinator

from . import agreements, selectors
from .forms import AgreementForm, SignForm
from .models import AgreementVersion, Mentorship
from .policy import get_member_workspace, is_read_only


@login_required
@require_GET
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    if not is_read_only(mentorship):
        # The first member to open the agreement drafts it from the program's template.
        agreements.agreement_draft(mentorship=mentorship, by=request.user)
    return _agreement_page(request, mentorship)


def _agreement_page(
    request: HttpRequest, mentorship: Mentorship, *, form: AgreementForm | None = None
) -> HttpResponse:
    user = request.user
    state = selectors.agreement_state(mentorship)
    sections = agreements.sections_for(mentorship.program)
    version = state.version
    writable = not is_read_only(mentorship)
    if form is None and version is not None:
        form = AgreementForm(initial=version.sections, sections=sections)
    earlier = (
        list(
            mentorship.agreement_versions.filter(number__lt=version.number)
            .order_by("-number")
            .only("number", "created_at", "agreed_at")
        )
        if version
        else []
    )
    return render(
        request,
        "mentorships/agreement.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "members": selectors.mentors_first(mentorship.memberships.all()),
            "agreement": state,
            "version": version,
            "texts": _texts(sections, version),
            "earlier": earlier,
            "read_only": not writable,
            "can_sign": writable and version is not None and not state.signed_by(user),
            "signed_by_me": state.signed_by(user),
            "waiting_for": ", ".join(m.user.display_name for m in state.waiting_for(user)),
            "form": form if writable else None,
            "sign_form": SignForm(initial={"number": version.number}) if version else None,
            "has_signatures": any(row["signed_at"] for row in state.signatures),
        },
    )


def _texts(sections, version: AgreementVersion | None) -> list[tuple]:
    if version is None:
        return []
    return [(section, version.sections.get(section.key, "")) for section in sections]


@login_required
@require_POST
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    form = AgreementForm(request.POST, sections=agreements.sections_for(mentorship.program))
    if form.is_valid():
        before = agreements.current_version(mentorship)
        try:
            version = agreements.agreement_edit(
                mentorship=mentorship, by=request.user, sections=form.sections()
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "read_only":
                messages.error(request, " ".join(error.messages))
                return redirect("agreement", pk=mentorship.pk)
            add_service_errors(form, error)
        else:
            if before is not None and version.number != before.number:
                messages.success(
                    request,
                    _(
                        "Saved as version %(number)s. It had been signed, so everybody signs "
                        "this new version."
                    )
                    % {"number": version.number},
                )
            else:
                messages.success(request, _("Your changes to the draft are saved."))
            return redirect("agreement", pk=mentorship.pk)
    return _agreement_page(request, mentorship, form=form)


@login_required
@require_POST
def agreement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Sign the version shown on the page."))
        return redirect("agreement", pk=mentorship.pk)
    try:
        signature = agreements.agreement_sign(
            mentorship=mentorship, by=request.user, number=form.cleaned_data["number"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        signature.version.refresh_from_db(fields=["agreed_at"])
        if signature.version.agreed_at:
            messages.success(request, _("You signed: everybody has, so the agreement is agreed."))
        else:
            messages.success(request, _("You signed. The others are asked to sign too."))
    return redirect("agreement", pk=mentorship.pk)


@login_required
@require_GET
def agreement_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    version = get_object_or_404(
        AgreementVersion.objects.prefetch_related("signatures"),
        mentorship=mentorship,
        number=number,
    )
    latest = mentorship.agreement_versions.order_by("-number").values_list("number", flat=True)
    signed = {s.user_id: s.signed_at for s in version.signatures.all()}
    return render(
        request,
        "mentorships/agreement_version.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "members": selectors.mentors_first(mentorship.memberships.all()),
            "version": version,
            "is_current": latest.first() == version.number,
            "read_only": is_read_only(mentorship),
            "texts": _texts(agreements.sections_for(mentorship.program), version),
            "signatures": [
                {"member": m, "signed_at": signed.get(m.user_id)}
                for m in selectors.mentors_first(mentorship.memberships.all())
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_template(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    sections = agreements.sections_for(program)
    if request.method == "POST":
        form = AgreementForm(request.POST, sections=sections, blank_means_default=True)
        if form.is_valid():
            try:
                agreements.agreement_template_update(
                    program=program, by=request.user, sections=form.sections()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The agreement template is saved. New agreements start from it."),
                )
                return redirect("agreement_template", slug=program.slug)
    else:
        form = AgreementForm(
            initial=agreements.template_texts(program),
            sections=sections,
            blank_means_default=True,
        )
    return render(
        request, "mentorships/agreement_template.html", {"program": program, "form": form}
    )
