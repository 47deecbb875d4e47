from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from heard.drills.selectors import starter_decks


@login_required
def index(request):
    return render(request, "drills/index.html", {"decks": starter_decks()})
