from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class TagQuerySet(models.QuerySet):
    def named(self, names: list[str]) -> list["Tag"]:
        """The tags for these names, created on first use; case and spacing are normalised."""
        tags = []
        for name in names:
            clean = " ".join(name.split())[:60]
            if not clean:
                continue
            tag = self.filter(name__iexact=clean).first()
            if tag is None:
                tag = self.create(name=clean, slug=Tag.unique_slug(clean))
            tags.append(tag)
        return tags


class Tag(models.Model):
    """A skill or interest label shared across the site (e.g. "Python", "Public speaking")."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def unique_slug(cls, name: str) -> str:
        base = slugify(name)[:70] or "tag"
        slug, n = base, 1
        while cls.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug
