"""Kill the task worker in the middle of a batch of webhook deliveries, start it again, and
every delivery reaches the receiver — at least once, with one Lodestar-Delivery id each.

What is guaranteed, and why: at least once, never twice at the same time, with a stable id. A
worker holds a delivery under a lease while it posts it; killed at that moment, the receiver
may already have the request while the database does not know: once the lease (2 s here) runs
out, the scheduler's retry job hands it over again and the receiver gets it a second time, with
the same Lodestar-Delivery id and the same body. Exactly once is not possible over HTTP without
the receiver's help: it deduplicates by that id. Every other delivery arrives exactly once.

End to end, with real processes on a migrated database of their own (tests/core/
test_worker_kill.py's `Site`): one change that emits 12 events, `db_worker` posting them to a
slow receiver on 127.0.0.1 (this test's thread), SIGKILL while a request is on its way, `db_worker` again,
then the retry job once the dead worker's lease has run out.
"""

import json
import os
import signal
import time
from collections import Counter
from datetime import datetime

import pytest

from lodestar.webhooks.signing import verify_signature
from tests.core.test_worker_kill import Site, wait_for

from .kill_batch import SECRET
from .receiver import Receiver

BATCH = 12
KILL_AFTER = 4  # deliveries answered before the kill
LEASE_SECONDS = 2


@pytest.fixture
def slow_receiver():
    server = Receiver(delay=0.3, secret=SECRET).start()
    yield server
    server.stop()


class WebhookSite(Site):
    def __init__(self, tmp_path, url):
        super().__init__(tmp_path, url)
        self.env.update(
            WEBHOOKS_ALLOW_PRIVATE_ADDRESSES="1",
            WEBHOOK_LEASE_SECONDS=str(LEASE_SECONDS),
            WEBHOOK_TIMEOUT="1.5",
        )

    def state(self) -> dict:
        out = self.shell("from tests.webhooks.kill_batch import print_state; print_state()")
        return json.loads(out.strip().splitlines()[-1])


def test_a_worker_killed_mid_batch_loses_no_delivery(
    tmp_path, migrated_database_url, slow_receiver
):
    site = WebhookSite(tmp_path, migrated_database_url)
    site.shell(
        "from tests.webhooks.kill_batch import emit_batch; "
        f"emit_batch({slow_receiver.url!r}, {BATCH})"
    )

    worker = site.start_worker()
    try:
        # Kill while the next request is on its way: arrived at the receiver, not answered.
        wait_for(
            lambda: (
                len(slow_receiver.answered) >= KILL_AFTER
                and len(slow_receiver.requests) > len(slow_receiver.answered)
            ),
            timeout=30,
            what=f"{KILL_AFTER} answers and one more request on its way",
            site=site,
        )
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    killed = site.state()
    in_flight = [d for d in killed["deliveries"] if d["status"] == "pending" and d["claimed_until"]]
    assert len(in_flight) == 1, killed
    # The queue itself never recovers that task: it stays RUNNING. The outbox recovers the post.
    assert killed["tasks"].count("RUNNING") == 1

    # Restarted, the worker posts the rest of the batch but not the delivery the dead one held.
    site.start_worker("--batch").wait(timeout=60)
    ids = Counter(r.headers["lodestar-delivery"] for r in slow_receiver.requests)
    assert len(ids) == BATCH  # the held one had reached the receiver before the kill
    assert ids[in_flight[0]["uuid"]] == 1

    lease_end = datetime.fromisoformat(in_flight[0]["claimed_until"])
    time.sleep(max(0.0, lease_end.timestamp() - time.time()) + 0.2)
    assert "webhook_retries" in site.run("run_scheduler", "--once")
    site.start_worker("--batch").wait(timeout=60)

    final = site.state()
    assert all(d["status"] == "delivered" for d in final["deliveries"]), final
    received = Counter(r.headers["lodestar-delivery"] for r in slow_receiver.requests)
    # Every delivery arrived; only the one in flight at the kill arrived twice, same id.
    assert set(received) == {d["uuid"] for d in final["deliveries"]}
    assert received == Counter({d["uuid"]: 1 for d in final["deliveries"]}) + Counter(
        {in_flight[0]["uuid"]: 1}
    )
    # Deduplicated by Lodestar-Delivery, the receiver saw each event exactly once.
    by_id = {r.headers["lodestar-delivery"]: r for r in slow_receiver.requests}
    assert sorted(r.json["data"]["enrolment"]["id"] for r in by_id.values()) == list(range(BATCH))
    twice = [
        r for r in slow_receiver.requests if r.headers["lodestar-delivery"] == in_flight[0]["uuid"]
    ]
    assert twice[0].body == twice[1].body  # the same bytes: the receiver may compare them
    assert all(
        verify_signature(SECRET, r.headers["lodestar-signature"], r.body, tolerance=600)
        for r in slow_receiver.requests
    )
    attempts = {d["uuid"]: d["attempts"] for d in final["deliveries"]}
    assert attempts.pop(in_flight[0]["uuid"]) == 2
    assert set(attempts.values()) == {1}
