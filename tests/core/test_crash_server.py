"""The fast variant of `make soak` (bench/soak/): one round of kill -9 of gunicorn in the middle
of concurrent writes, on a SQLite file in WAL mode — the integrity check passes, every write
acknowledged with 201 is there, the server comes back, and retrying the unanswered writes with
their Idempotency-Keys makes each exactly once. Then kill -9 of the task worker mid-batch.

It needs a fresh database migrated by a subprocess (about a minute on a busy machine), too slow
for `make test`: it runs with LODESTAR_SOAK=1, and `make soak` runs the longer version."""

import os

import pytest

from bench.soak import server_kill, worker_kill

pytestmark = pytest.mark.skipif(
    not os.environ.get("LODESTAR_SOAK"), reason="slow: LODESTAR_SOAK=1 or `make soak`"
)


def test_kill_9_of_the_server_mid_write_loses_nothing_acknowledged(tmp_path):
    [result] = server_kill.run(tmp_path, rounds=1, writers=4)
    assert result.integrity == "ok"
    assert result.acknowledged > 0 and result.lost == 0
    assert result.restarted
    assert result.duplicates == 0


def test_kill_9_of_the_worker_mid_task_and_it_resumes(tmp_path):
    [result] = worker_kill.run(tmp_path, rounds=1)
    assert result.delivered_before_kill < result.jobs
    assert (result.delivered, result.missing, result.duplicates) == (result.jobs, 0, 0)
