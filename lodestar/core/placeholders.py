"""Temporary stand-ins so every URL name resolves while its page is being built."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def placeholder(request, **kwargs):
    return render(request, "core/placeholder.html")
