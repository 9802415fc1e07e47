import pytest
from django.core.exceptions import ValidationError

from lodestar.programs.answers import clean_profile_value


def test_skills_in_an_answer_follow_the_profile_pages_rules():
    assert clean_profile_value("skills", " python; Python ;SQL ") == ["python", "SQL"]
    with pytest.raises(ValidationError, match="List at most 30 tags"):
        clean_profile_value("interests", ";".join(f"topic {n}" for n in range(31)))
    with pytest.raises(ValidationError, match="too long for a tag"):
        clean_profile_value("skills", "x" * 61)
