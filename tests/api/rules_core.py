"""Matrix rules for programs, enrolments, mentorships, goals and meetings (see matrix.py)."""

from .matrix import rule

RULES = {
    # Lists answer everyone signed in, with what they may see (tested in test_endpoints.py).
    "programs_list": rule(members=200, coordinators=200, others=200),
    "programs_get": rule(members=200, coordinators=200),
    "programs_enrolments": rule(members=404, coordinators=200),
    "mentorships_list": rule(members=200, coordinators=200, others=200),
    "mentorships_get": rule(members=200, coordinators=200),
    "mentorships_pause": rule(members=200, coordinators=200),
    "mentorships_resume": rule(members=409, coordinators=409),
    # Goals and meetings are the pair's content: their pages are for members only.
    "goals_list": rule(members=200, coordinators=404),
    # The goal is the mentee's: the mentor may see it but not move it (the service refuses
    # because of who asks: 403).
    "goals_progress": {**rule(members=200, coordinators=404), "mentor": 403},
    "meetings_list": rule(members=200, coordinators=404),
}

BODIES = {"goals_progress": {"status": "in_progress", "progress": 40}}
