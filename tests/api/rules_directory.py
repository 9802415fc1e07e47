"""Matrix rules for the HR directory sync (see matrix.py).

The sync is for site administrators only. Everyone else signed in gets 403, not 404: the
endpoint is nobody's object and the schema lists it, so there is nothing to hide, and a clear
"you may not" tells an integrator their token is the wrong one rather than their URL."""

from .matrix import ROLES

RULES = {
    "directory_sync": {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 401,
        "site_admin": 200,
    },
}

# A dry run: the site admin's 200 proves the access without changing anyone.
BODIES = {
    "directory_sync": {
        "format": "json",
        "data": [{"email": "new.hire@example.com", "name": "New Hire", "active": True}],
        "dry_run": True,
    }
}
