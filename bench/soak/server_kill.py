"""kill -9 the web server in the middle of a stream of writes, and check that nothing it
acknowledged is lost, the database is intact, and retries with the same Idempotency-Key make no
duplicate.

Each round: gunicorn up; WRITERS threads post messages through the API as fast as it answers,
each with a key of its own; after a random moment kill -9 the whole server (master and workers);
then PRAGMA integrity_check, every message answered 201 must be in the file; the server starts
again and serves; every write that got no answer is sent again with its key — and each key ends
as exactly one message."""

import json
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

from .site import Site


@dataclass
class Round:
    number: int
    sent: int = 0
    acknowledged: int = 0
    unanswered: int = 0
    lost: int = 0
    integrity: str = ""
    retried: int = 0
    replayed: int = 0  # retries answered from the key: committed before the kill, answer lost
    duplicates: int = 0
    seconds_before_kill: float = 0.0
    restarted: bool = False


@dataclass
class Write:
    key: str
    body: str
    token: str
    status: int | None = None  # None: no answer (the server died under it)
    replayed: bool = False


@dataclass
class Load:
    site: Site
    pair: int
    tokens: list[str]
    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, write: Write, timeout: float = 10) -> int | None:
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{self.site.url}/api/v1/mentorships/{self.pair}/messages/",
            data=json.dumps({"body": write.body}).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {write.token}",
                "Content-Type": "application/json",
                "Idempotency-Key": write.key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
                write.replayed = answer.headers.get("Idempotent-Replayed") == "true"
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return None

    def writer(self, round_number: int, writer: int, stop: threading.Event) -> None:
        n = 0
        while not stop.is_set():
            write = Write(
                key=str(uuid.uuid4()),
                body=f"soak r{round_number} w{writer} n{n}",
                token=self.tokens[writer % len(self.tokens)],
            )
            with self.lock:
                self.writes.append(write)
            write.status = self.post(write)
            n += 1
            if write.status is None:
                return  # the server is gone


def one_round(site: Site, pair: int, tokens: list[str], number: int, writers: int, rng) -> Round:
    result = Round(number=number)
    site.start_server()
    load = Load(site=site, pair=pair, tokens=tokens)
    stop = threading.Event()
    threads = [
        threading.Thread(target=load.writer, args=(number, w, stop), daemon=True)
        for w in range(writers)
    ]
    for thread in threads:
        thread.start()
    result.seconds_before_kill = round(rng.uniform(2.0, 5.0), 2)
    time.sleep(result.seconds_before_kill)
    site.kill_server()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    result.integrity = site.integrity_check()
    stored = set(site.message_bodies())
    acknowledged = [w for w in load.writes if w.status == 201]
    result.sent = len(load.writes)
    result.acknowledged = len(acknowledged)
    result.unanswered = sum(1 for w in load.writes if w.status is None)
    result.lost = sum(1 for w in acknowledged if w.body not in stored)
    unexpected = [w.status for w in load.writes if w.status not in (201, None)]
    if unexpected:
        raise RuntimeError(f"round {number}: unexpected answers {sorted(set(unexpected))}")

    # Up again: it serves, and the writes that heard nothing are sent again with their keys.
    site.start_server()
    result.restarted = site.wait_healthy()["status"] == "ok"
    retry = [w for w in load.writes if w.status != 201]
    for write in retry:
        for _attempt in range(40):  # a key held by the killed request: 409 until its lock lapses
            write.status = load.post(write)
            if write.status != 409:
                break
            time.sleep(0.5)
    result.retried = len(retry)
    result.replayed = sum(1 for w in retry if w.replayed)
    bodies = site.message_bodies()
    counts = {w.body: 0 for w in load.writes}
    for body in bodies:
        if body in counts:
            counts[body] += 1
    result.duplicates = sum(c - 1 for c in counts.values() if c > 1)
    missing = [b for b, c in counts.items() if c == 0]
    if missing:
        raise RuntimeError(f"round {number}: retried writes still missing: {missing[:5]}")
    site.kill_server()
    return result


def run(folder, rounds: int = 3, writers: int = 8, seed: int = 8) -> list[Round]:
    # A claim left by a killed request blocks its key until the lock lapses: short here.
    site = Site(folder, IDEMPOTENCY_LOCK_SECONDS="2")
    data = site.seed()
    rng = random.Random(seed)
    try:
        return [
            one_round(site, data["pair"], data["tokens"], n + 1, writers, rng)
            for n in range(rounds)
        ]
    finally:
        site.kill_server()
