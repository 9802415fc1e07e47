from django.contrib import admin
from django.db import models

from .models import DirectoryListing, Introduction, Referral


@admin.register(DirectoryListing)
class DirectoryListingAdmin(admin.ModelAdmin):
    list_display = ["user", "listed", "scope", "updated"]
    list_filter = ["listed", "scope"]
    raw_id_fields = ["user"]


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ["pk", "status", "mentee_answer", "other_answer", "created"]
    list_filter = ["status"]
    raw_id_fields = ["introducer", "mentee", "other", "mentorship"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    # Links typed without a scheme are read as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "organisation", "created"]
    raw_id_fields = ["referrer", "mentee", "mentorship"]
