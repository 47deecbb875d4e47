"""The home page and the Coach page."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

MAX_COACH_CHARS = 5_000


class CoachForm(forms.Form):
    context = forms.CharField(
        label="Their message (optional)",
        required=False,
        max_length=MAX_COACH_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reply = forms.CharField(
        label="Your reply", max_length=MAX_COACH_CHARS, widget=forms.Textarea(attrs={"rows": 5})
    )


def home(request):
    if not request.user.is_authenticated:
        return render(request, "web/welcome.html")
    return render(request, "web/home.html")


@login_required
def coach_page(request):
    return render(request, "web/coach.html", {"form": CoachForm()})


@login_required
@require_POST
def coach_analyse(request):
    from heard.web.coach_model import coach_model
    from heard.web.highlight import highlighted_analysis

    form = CoachForm(request.POST)
    if not form.is_valid():
        return render(request, "web/coach_result.html", {"form": form}, status=422)
    report = highlighted_analysis(
        form.cleaned_data["reply"], form.cleaned_data["context"] or None, model=coach_model()
    )
    return render(request, "web/coach_result.html", {"form": form, "report": report})
