"""Judge a pip-audit run (used by `make security`): a known vulnerability fails; an advisory
service that cannot be reached (offline CI) is reported and skipped rather than passed as clean.

Usage: pip_audit_verdict.py REPORT.json STDERR.txt EXIT_STATUS
"""

import json
import sys

UNREACHABLE = (
    "ConnectionError",
    "Max retries",
    "NameResolution",
    "timed out",
    "Network is unreachable",
)


def main(report: str, errors: str, status: int) -> int:
    try:
        with open(report) as file:
            deps = json.load(file)["dependencies"]
    except (OSError, ValueError, KeyError):
        deps = None
    with open(errors) as file:
        stderr = file.read()
    if deps is not None:
        found = [(d["name"], d["version"], v["id"]) for d in deps for v in d.get("vulns", [])]
        for name, version, vuln in found:
            print(f"pip-audit: {name} {version}: {vuln}")
        if found:
            return 1
        # Offline, pip-audit lists every package as skipped ("not found on PyPI"): nothing was
        # audited, which must not read as "no vulnerabilities".
        if deps and all("skip_reason" in d for d in deps):
            print("pip-audit: advisory service unreachable, dependency audit skipped")
            return 0
        print(f"pip-audit: no known vulnerabilities in {len(deps)} packages")
        return status
    if any(word in stderr for word in UNREACHABLE):
        print("pip-audit: advisory service unreachable, dependency audit skipped")
        return 0
    print(stderr[-3000:])
    return status or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
