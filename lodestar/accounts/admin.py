"""Django admin for people: users (who log in with an email address), profiles, availability."""

from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lodestar.core.timezones import timezone_choices

from .models import ApiToken, AvailabilityWindow, Profile, User
from .sessions import sessions_end


class EmailUniqueMixin:
    """Two accounts whose addresses differ only in case would be one person twice."""

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Someone already has an account with this address."))
        return email


class UserCreateForm(EmailUniqueMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "name", "timezone")
        field_classes = {}
        widgets = {"timezone": forms.Select(choices=timezone_choices())}


class UserEditForm(EmailUniqueMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}
        widgets = {"timezone": forms.Select(choices=timezone_choices())}


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["skills", "interests"]
    fields = [
        ("pronouns", "seniority"),
        "headline",
        ("job_title", "organisation", "department"),
        "location",
        "languages",
        "bio",
        "skills",
        "interests",
        "links",
    ]


class AvailabilityWindowInline(admin.TabularInline):
    model = AvailabilityWindow
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "timezone")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (
            _("HR directory"),
            {
                "fields": ("manager", "directory_synced_at"),
                "description": _(
                    "Kept up to date by the directory sync, which overwrites a manager changed "
                    "here. Nobody is ever matched with their own manager."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "name",
                    "timezone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ["email", "name", "timezone", "is_active", "is_staff", "date_joined"]
    list_filter = [
        "is_active",
        "is_staff",
        "is_superuser",
        ("directory_synced_at", admin.EmptyFieldListFilter),
        "groups",
    ]
    search_fields = ["email", "name"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined", "directory_synced_at"]
    autocomplete_fields = ["manager"]
    inlines = [ProfileInline, AvailabilityWindowInline]

    def get_inlines(self, request, obj):
        # A new user gets their profile from a signal when saved; an inline would make a second.
        return self.inlines if obj is not None else []


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "job_title",
        "department",
        "organisation",
        "seniority",
        "location",
        "updated_at",
    ]
    list_filter = ["seniority"]
    list_select_related = ["user"]
    search_fields = [
        "user__email",
        "user__name",
        "job_title",
        "department",
        "organisation",
        "location",
    ]
    autocomplete_fields = ["user", "skills", "interests"]
    readonly_fields = ["updated_at"]


@admin.register(AvailabilityWindow)
class AvailabilityWindowAdmin(admin.ModelAdmin):
    list_display = ["user", "weekday", "start", "end"]
    list_filter = ["weekday"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user"]
    ordering = ["user__email", "weekday", "start"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners (the secret is shown only to them); an admin sees who has
    which, and can revoke one, e.g. for someone who lost their laptop."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at", "last_used_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email", "user__name"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": count})


# allauth's own admin for recorded sign-ins deletes the record and leaves the session signed
# in; here deleting one signs it out (accounts/sessions.py), and the search uses email.
admin.site.unregister(UserSession)


@admin.register(UserSession)
class SignedInSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "ip", "user_agent")
    search_fields = ("user__email", "ip")
    raw_id_fields = ("user",)
    fields = ("user", "created_at", "ip", "user_agent")
    readonly_fields = fields
    actions = ("sign_out",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        sessions_end([obj])

    def delete_queryset(self, request, queryset):
        sessions_end(list(queryset))

    @admin.action(description=_("Sign out the selected sessions"), permissions=["delete"])
    def sign_out(self, request, queryset):
        rows = list(queryset)
        sessions_end(rows)
        self.message_user(
            request,
            ngettext("Signed out %(count)d session.", "Signed out %(count)d sessions.", len(rows))
            % {"count": len(rows)},
        )
