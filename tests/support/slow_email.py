"""A mail server that takes its time: each message is written to its own file in
EMAIL_FILE_PATH, SLOW_EMAIL_SECONDS (0.3 by default) after a `sending-*` marker file appears —
so that a test can kill the worker while a message is on its way, and count what arrived.

Used by tests/core/test_worker_kill.py through EMAIL_BACKEND in a real worker process."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends import filebased

DELAY = float(os.environ.get("SLOW_EMAIL_SECONDS", "0.3"))


class SlowFileEmailBackend(filebased.EmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(self.file_path)
        for message in email_messages:
            name = uuid.uuid4().hex
            (folder / f"sending-{name}").touch()
            time.sleep(DELAY)
            # Written whole, then renamed: a reader never sees half a message.
            partial = folder / f"{name}.part"
            partial.write_bytes(message.message().as_bytes())
            partial.replace(folder / f"{name}.eml")
        return len(email_messages)
