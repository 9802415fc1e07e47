from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from lodestar.accounts.models import Profile

from .models import Tag


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
