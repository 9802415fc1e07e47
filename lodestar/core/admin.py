from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lodestar.accounts.models import Profile

from .emails import MAX_ATTEMPTS, emails_resend
from .models import OutgoingEmail, Tag


def _profiles_tagged(through) -> Coalesce:
    # A subquery per column: joining both relations at once would multiply the rows.
    counts = (
        through.objects.filter(tag_id=OuterRef("pk"))
        .order_by()
        .values("tag_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "skill_count", "interest_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                skill_count=_profiles_tagged(Profile.skills.through),
                interest_count=_profiles_tagged(Profile.interests.through),
            )
        )

    @admin.display(description=_("people with this skill"), ordering="skill_count")
    def skill_count(self, tag: Tag) -> int:
        return tag.skill_count

    @admin.display(description=_("people with this interest"), ordering="interest_count")
    def interest_count(self, tag: Tag) -> int:
        return tag.interest_count


class OutboxStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("sent", _("sent")), ("waiting", _("waiting")), ("failed", _("gave up"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "sent":
            return queryset.sent()
        if self.value() == "failed":
            return queryset.given_up(MAX_ATTEMPTS, now)
        if self.value() == "waiting":
            return queryset.unsent().exclude(pk__in=queryset.given_up(MAX_ATTEMPTS, now))
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what went out, what waits for a retry, what was given up."""

    list_display = ["to", "subject", "created_at", "attempts", "sent_at", "status", "error"]
    list_filter = [OutboxStatusFilter]
    search_fields = ["to", "subject", "message_id"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = [
        "to",
        "subject",
        "message_id",
        "headers",
        "created_at",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "sent_at",
        "last_error",
        "forget_body_once_sent",
        "text",
        "html",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("core.change_outgoingemail")

    @admin.display(description=_("status"))
    def status(self, email: OutgoingEmail) -> str:
        if email.sent_at is not None:
            return _("sent")
        if email.claimed_until and email.claimed_until > timezone.now():
            return _("sending")
        if email.attempts >= MAX_ATTEMPTS:
            return _("gave up after %(n)s attempts") % {"n": email.attempts}
        if email.attempts:
            when = formats.date_format(
                timezone.localtime(email.next_attempt_at), "SHORT_DATETIME_FORMAT"
            )
            return _("to retry from %(when)s") % {"when": when}
        return _("waiting")

    @admin.display(description=_("last error"))
    def error(self, email: OutgoingEmail) -> str:
        return Truncator(email.last_error).chars(80)

    @admin.action(description=_("Send the selected unsent emails again"), permissions=["resend"])
    def resend(self, request, queryset):
        count = emails_resend(emails=list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d email will be sent again.",
                "%(count)d emails will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
