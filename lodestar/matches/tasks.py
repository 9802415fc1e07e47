"""Work the matching pages hand to the task worker, by id, after the transaction commits."""

from django_tasks import task

from .services.publish import run_tell_members
from .services.runs import run_execute


@task()
def execute_match_run(run_id: int) -> None:
    """Execute a queued matching run (a run already taken or finished is left alone)."""
    run_execute(run_id)


@task()
def tell_published_run(run_id: int) -> None:
    """Tell everyone a published run pairs whom they are proposed with (once each)."""
    run_tell_members(run_id)
