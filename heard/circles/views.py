from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from heard.circles import selectors, services
from heard.circles.forms import CircleForm


@login_required
def index(request):
    form = CircleForm(request.POST or None)
    if request.method == "POST" and request.team and form.is_valid():
        try:
            circle = services.circle_create(
                user=request.user,
                team=request.team,
                title=form.cleaned_data["title"],
                turn_seconds=round(form.cleaned_data["turn_minutes"] * 60),
                keep_notes=form.cleaned_data["keep_notes"],
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            return redirect("circle-room", pk=circle.pk)
    circles = selectors.circles_for_team(request.team)
    return render(request, "circles/index.html", {"circles": circles, "form": form})


@login_required
def room(request, pk):
    circle = selectors.get_circle_for_user(request.user, pk)
    return render(request, "circles/room.html", {"circle": circle})
