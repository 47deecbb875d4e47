from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from heard.drills import selectors, services
from heard.drills.forms import QaFilterForm, QaImportForm
from heard.drills.highlight import transcript_view


@login_required
def index(request):
    return render(request, "drills/index.html", {"decks": selectors.starter_decks()})


@login_required
def qa_list(request):
    agents = selectors.qa_agents_for_team(request.team)
    form = QaFilterForm(request.GET or None, agents=agents)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.qa_conversations_for_team(
        request.team,
        agent=filters.get("agent") or "",
        min_score=filters.get("min_score"),
        max_score=filters.get("max_score"),
        order=filters.get("order") or "-score",
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "drills/qa_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "import_form": QaImportForm(),
            "agents": agents,
        },
    )


@login_required
def qa_detail(request, pk):
    conversation = selectors.get_qa_conversation_for_user(request.user, pk)
    return render(
        request,
        "drills/qa_detail.html",
        {
            "conversation": conversation,
            "turns": transcript_view(conversation.result.get("transcript", [])),
            "rubric": conversation.result.get("rubric", []),
            "reasons": conversation.result.get("reasons", []),
            "metrics": conversation.result.get("metrics", {}),
        },
    )


@login_required
@require_POST
def qa_import(request):
    form = QaImportForm(request.POST, request.FILES)
    if request.team is None:
        messages.error(request, "Create or join a team first.")
        return redirect("qa-list")
    if not form.is_valid():
        for error in form.errors.get("file", ["Choose a file to import."]):
            messages.error(request, error)
        return redirect("qa-list")
    upload = form.cleaned_data["file"]
    try:
        report = services.qa_import(
            user=request.user, team=request.team, lines=upload, source=upload.name
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("qa-list")
    messages.success(request, f"{upload.name}: {report.summary}.")
    for number, reason in report.errors[: services.MAX_IMPORT_ERRORS_SHOWN]:
        messages.warning(request, f"Line {number}: {reason}")
    return redirect("qa-list")
