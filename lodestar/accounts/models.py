from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.models import Tag
from lodestar.core.timezones import validate_timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: logs in with an email address; their time zone drives every time shown."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("display name"), max_length=150, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can log into the admin site.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Unticking this deactivates the account.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=dj_timezone.now)
    # From the HR directory (accounts/directory.py). The matching engine never pairs a person
    # with their own manager.
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    directory_synced_at = models.DateTimeField(
        _("last listed in the HR directory"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set by the directory sync; only these people are deactivated when they drop out "
            "of the directory."
        ),
    )
    # Set when the account is erased (privacy/erasure.py): the row stays so that shared records
    # (a message in someone else's thread, a meeting held) keep their author, now anonymous.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def display_name(self) -> str:
        if self.erased_at is not None:
            return str(_("Former participant"))
        return self.name or self.email.split("@")[0]

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class Seniority(models.IntegerChoices):
    """Ordered, so that matching can ask for a mentor "above" a mentee."""

    STUDENT = 1, _("Student or intern")
    EARLY = 2, _("Early career")
    MID = 3, _("Mid-level")
    SENIOR = 4, _("Senior")
    LEAD = 5, _("Lead or manager")
    DIRECTOR = 6, _("Director")
    EXECUTIVE = 7, _("Executive")


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    headline = models.CharField(_("headline"), max_length=140, blank=True)
    bio = models.TextField(_("bio"), blank=True, max_length=4000)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    department = models.CharField(_("department"), max_length=120, blank=True)
    seniority = models.PositiveSmallIntegerField(
        _("seniority level"), choices=Seniority.choices, null=True, blank=True
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    skills = models.ManyToManyField(
        Tag, verbose_name=_("skills"), blank=True, related_name="skilled_profiles"
    )
    interests = models.ManyToManyField(
        Tag, verbose_name=_("interests"), blank=True, related_name="interested_profiles"
    )
    links = models.JSONField(_("links"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityWindow(models.Model):
    """A weekly window when a person can meet, in the wall-clock time of their own zone.

    Stored as local time (not UTC) so that it follows daylight-saving changes, as people do.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="availability_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="availability_weekday_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})

    @property
    def hours(self) -> float:
        return (
            self.end.hour * 60 + self.end.minute - self.start.hour * 60 - self.start.minute
        ) / 60


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(models.Model):
    """A personal access token for scripts calling the JSON API.

    Only a hash of the secret is kept. The secret is 32 random bytes, so a single fast SHA-256 is
    enough: a slow password hash guards against guessing low-entropy passwords, and there is
    nothing here to guess. The prefix (the secret's first characters) finds the row and lets a
    person tell their tokens apart without the secret ever being shown again.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=8, unique=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > dj_timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE
