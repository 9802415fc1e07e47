"""Message work for the task worker: each person's digest check, loaded by id, safe to run
twice or early (the digest itself decides whether anything is due)."""

from django_tasks import task

from lodestar.accounts.models import User

from .digests import digest_send, digests_send_due


@task()
def send_message_digest(*, user_id: int) -> int:
    """Email this person their unread messages if a digest is due; how many it covered."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    return digest_send(user=user)


@task()
def send_message_digests() -> int:
    """Every digest that is due (what the `send_message_digests` command does from cron)."""
    return digests_send_due()
