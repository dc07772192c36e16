"""The three-question satisfaction form after a session: the organisers make a single-use link
for each person present (emailed to those with an account, shown once for the others), and the
person answers without an account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.forms import apply_errors

from . import selectors, services
from .forms import SatisfactionForm

GET_POST = ["GET", "HEAD", "POST"]


@organisation_view(Access.CONTRIBUTE)
@require_http_methods(GET_POST)
def satisfaction_links(
    request: HttpRequest, access: OrganisationAccess, session_id: int
) -> HttpResponse:
    session = selectors.session_get(access=access, pk=session_id)
    invitations = None
    if request.method == "POST":
        try:
            invitations = services.satisfaction_links_create(
                access=access,
                session=session,
                build_url=lambda raw: request.build_absolute_uri(
                    reverse("satisfaction", args=[raw])
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("training:session", access.organisation.slug, session_id)
    return render(
        request,
        "training/satisfaction_links.html",
        {
            "access": access,
            "session": session,
            "invitations": invitations,
            "summary": selectors.satisfaction_summary(session=session),
        },
    )


@require_http_methods(GET_POST)
def satisfaction(request: HttpRequest, token: str) -> HttpResponse:
    link = services.satisfaction_link_for(token)
    if link is None:
        raise Http404("No satisfaction form at this address.")
    session = link.registration.session
    if link.answered_at is not None:
        return render(request, "training/satisfaction_done.html", {"session": session}, status=410)
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.satisfaction_answer(link=link, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("satisfaction_thanks")
    return render(request, "training/satisfaction_form.html", {"session": session, "form": form})


@require_safe
def satisfaction_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "training/skills_thanks.html", {"satisfaction": True})
