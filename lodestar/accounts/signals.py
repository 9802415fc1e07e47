from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile, User


@receiver(post_save, sender=User)
def create_profile(sender, instance, created, raw=False, **kwargs):
    """Every person has a profile from the moment they exist."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
