"""A process's resident memory from /proc (Linux), in MiB; None where /proc is missing."""

from __future__ import annotations

import re
from pathlib import Path


def status_mib(field: str, pid: int | str = "self") -> float | None:
    """VmRSS (now) or VmHWM (peak since start or the last reset) of a process."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def reset_peak() -> bool:
    """Restart VmHWM from the current RSS, so a later peak belongs to what ran since."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True
