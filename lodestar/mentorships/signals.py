"""Signals other apps listen to, so that mentorships need not know them.

`mentorship_finished(sender=Mentorship, mentorship=...)` is sent inside the transaction that
ends a mentorship (declined, ended early, completed); receivers tidy up their part of it, such
as meetings still to come.
"""

from django.dispatch import Signal

mentorship_finished = Signal()
