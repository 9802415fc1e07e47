"""Django admin for people: users (who log in with an email address), profiles, availability."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.timezones import timezone_choices

from .models import ApiToken, AvailabilityWindow, Profile, User


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
