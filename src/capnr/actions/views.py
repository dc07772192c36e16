"""Catalogue, recommendations and simulators. The ranking lives in ``recommend``, the pre-fill in
``prefill``, the wording of inputs and results in ``simulator``; the engine computes."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from capnr.core.access import Access, OrganisationAccess, organisation_view
from capnr.core.i18n import english as _english
from capnr.core.i18n import long_date
from capnr.diagnostics.models import AnswerValue
from capnr.diagnostics.referential import EFFORT_LABELS, WHO_LABELS, theme_title, themes
from capnr.engine import catalogue as engine_catalogue
from capnr.engine import diagnostic as engine_diagnostic
from capnr.engine import impact as engine_impact
from capnr.engine.reference import reference_data

from . import plan, prefill, recommend, selectors, services
from . import simulator as sim
from .forms import CatalogueFilterForm, ScenarioSaveForm
from .matrix import MatrixPoint, impact_effort_matrix


def _labels() -> dict[str, Any]:
    """Plain-language labels shared by the templates."""
    return {
        "answer_labels": dict(AnswerValue.choices),
        "effort_labels": EFFORT_LABELS,
        "cost_labels": {
            "none": _("no spending"),
            "low": _("low cost"),
            "medium": _("medium cost"),
            "high": _("high cost"),
        },
        "owner_labels": WHO_LABELS,
        "status_labels": plan.status_labels(),
        "benefit_labels": {
            "security": _("security"),
            "money": _("money"),
            "comfort": _("comfort"),
            "compliance": _("compliance"),
            "image": _("image"),
            "skills": _("skills"),
        },
        "theme_titles": {theme.id: theme_title(theme) for theme in themes()},
    }


def _model_title(model_id: str) -> str:
    model = engine_impact.MODELS[model_id]
    return model.title_en if _english() else model.title_fr


def _plan_statuses(
    access: OrganisationAccess,
) -> tuple[dict[str, str], dict[str, list[tuple[int, str, str]]]]:
    rows = plan.planned_actions(access)
    statuses = {
        action_id: status
        for action_id, items in rows.items()
        if (status := recommend.plan_status(item[1] for item in items)) is not None
    }
    return statuses, rows


def _action_or_none(action_id: str, model_id: str = "") -> engine_catalogue.Action | None:
    if not action_id:
        return None
    try:
        action = engine_catalogue.catalogue().action(action_id)
    except KeyError:
        return None
    if model_id and action.model != model_id:
        return None
    return action


# --- Recommendations ------------------------------------------------------------------------


def _recommended(
    request: HttpRequest, access: OrganisationAccess
) -> tuple[prefill.OrganisationFacts, recommend.Recommendations]:
    """The organisation's facts and the recommendations drawn from them."""
    facts = prefill.facts_for(request, access)
    catalogue = engine_catalogue.catalogue()
    statuses, _rows = _plan_statuses(access)
    relevant = [
        action
        for action in catalogue.actions
        if recommend.is_relevant(action, facts.answers, facts.applicable)
    ]
    result = recommend.recommend(
        catalogue,
        data=engine_diagnostic.referential(),
        answers=facts.answers,
        applicable=facts.applicable,
        impacts=recommend.impacts_for(relevant, facts.prefill),
        planned=statuses,
        hotspots=prefill.footprint_hotspots(access),
        today=timezone.localdate(),
    )
    return facts, result


@organisation_view()
@require_safe
def recommendations(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    facts, result = _recommended(request, access)
    lists = result.lists()
    return render(
        request,
        "actions/recommendations.html",
        {
            "access": access,
            "result": result,
            "lists": lists,
            "first_list": {
                entry.action.id: key
                for key, rows in reversed(lists.items())
                for entry, _repeat in rows
            },
            "recommended": len(result.matrix),
            "facts": facts,
            **_labels(),
        },
    )


@organisation_view()
@require_safe
def matrix(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    """Every recommended action once, placed by its yearly effect and its effort, beside the
    table of the same actions (its own page: with the three lists it made one long page)."""
    facts, result = _recommended(request, access)
    entries = result.matrix
    chart = impact_effort_matrix(
        [
            MatrixPoint(
                number=entry.number,
                effort=entry.action.effort,
                score=entry.score if entry.quantified else None,
                in_roadmap=entry.status in ("planned", "in_progress", "done"),
            )
            for entry in entries
        ]
    )
    return render(
        request,
        "actions/matrix.html",
        {
            "access": access,
            "matrix": chart,
            "matrix_entries": entries,
            "price": prefill.price_figure(facts.prefill),
            **_labels(),
        },
    )


# --- Catalogue ------------------------------------------------------------------------------


CATALOGUE_PER_PAGE = 20


@organisation_view()
@require_safe
def catalogue(request: HttpRequest, access: OrganisationAccess) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    actions = list(engine_catalogue.catalogue().actions)
    if form.is_valid():
        data = form.cleaned_data
        if data["theme"]:
            actions = [action for action in actions if action.theme == data["theme"]]
        if data["effort"]:
            actions = [action for action in actions if action.effort == data["effort"]]
        if data["quick_win"]:
            actions = [action for action in actions if action.quick_win]
        if data["simulator"]:
            actions = [action for action in actions if recommend.modelled(action)]
    statuses, _rows = _plan_statuses(access)
    labels = _labels()
    # A page of actions at a time, in the catalogue's theme order (issue 12: a short page).
    order = {theme.id: index for index, theme in enumerate(themes())}
    actions.sort(key=lambda action: order.get(action.theme, len(order)))
    page = Paginator(actions, CATALOGUE_PER_PAGE).get_page(request.GET.get("page"))
    per_theme = Counter(action.theme for action in actions)
    sections = []
    for theme in themes():
        mine = [action for action in page.object_list if action.theme == theme.id]
        if mine:
            sections.append((theme.id, labels["theme_titles"][theme.id], mine, per_theme[theme.id]))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "actions/catalogue.html",
        {
            "access": access,
            "form": form,
            "sections": sections,
            "page": page,
            "query": query.urlencode(),
            "simulated": {action.id for action in actions if recommend.modelled(action)},
            "count": len(actions),
            "total": len(engine_catalogue.catalogue().actions),
            "statuses": statuses,
            "version": engine_catalogue.catalogue().version,
            **labels,
        },
    )


@organisation_view()
@require_safe
def action_detail(request: HttpRequest, access: OrganisationAccess, action_id: str) -> HttpResponse:
    action = _action_or_none(action_id)
    if action is None:
        raise Http404("No such action.")
    facts = prefill.facts_for(request, access)
    data = engine_diagnostic.referential()
    cat = engine_catalogue.catalogue()
    _statuses, rows = _plan_statuses(access)
    questions = []
    for question_id in action.questions:
        question = data.question(question_id)
        answer = facts.answer_rows.get(question_id)
        questions.append(
            {
                "question": question,
                "applies": question_id in facts.applicable,
                "answer": answer.value if answer is not None else "",
                "to_confirm": bool(answer is not None and answer.to_confirm),
                "is_obligation": question_id in action.obligations,
            }
        )
    obligations = []
    for question_id in action.obligations:
        question = data.question(question_id)
        assert question.obligation is not None
        due = recommend.due_date(question.obligation.due)
        obligations.append(
            {
                "question": question,
                "obligation": question.obligation,
                "due": due,
                "overdue": due is not None and due < timezone.localdate(),
                "applies": question_id in facts.applicable,
            }
        )
    impact = None
    has_simulator = recommend.modelled(action)
    if has_simulator:
        impact = recommend.impacts_for([action], facts.prefill).get(action.id)
    return render(
        request,
        "actions/action_detail.html",
        {
            "access": access,
            "action": action,
            "prerequisites": [cat.action(item) for item in action.prerequisites],
            "needed_by": [item for item in cat.actions if action.id in item.prerequisites],
            "questions": questions,
            "obligations": obligations,
            "items": rows.get(action.id, []),
            "impact": impact,
            "has_simulator": has_simulator,
            "sources": [reference_data().sources[item] for item in action.sources],
            "diagnostic": facts.diagnostic,
            "facts": facts,
            **_labels(),
        },
    )


# --- Simulators -----------------------------------------------------------------------------


def _simulation(
    request: HttpRequest,
    access: OrganisationAccess,
    model_id: str,
    action: engine_catalogue.Action | None,
    submitted: dict[str, str],
    *,
    save_form: ScenarioSaveForm | None = None,
    partial: bool = False,
) -> HttpResponse:
    facts = prefill.facts_for(request, access)
    base = facts.prefill.for_model(model_id, action.id if action else "")
    filled = prefill.with_user_values(base, submitted)
    values, errors = sim.check(model_id, filled)
    results = None
    if values is not None:
        impact = sim.compute(model_id, values, facts.prefill.price)
        results = sim.results(model_id, impact)
    rows = sim.field_rows(model_id, filled, errors)
    model = engine_impact.MODELS[model_id]
    data = engine_diagnostic.referential()
    catalogue = engine_catalogue.catalogue()
    using = [item for item in catalogue.actions if item.model == model_id]
    in_place = [
        item
        for item in ([action] if action else using)
        if not recommend.is_relevant(item, facts.answers, facts.applicable)
        and recommend.considered_questions(item, facts.answers, facts.applicable)
    ]
    done = sim.already_done(model_id, facts.prefill, in_place)
    sources = {}
    for row in rows:
        if row.source is not None:
            sources[row.spec.source_id] = row.source
    for item in done:
        sources.update(item.sources)
    main = [row for row in rows if not row.advanced]
    advanced = [row for row in rows if row.advanced]
    context = {
        "access": access,
        "model": model,
        "model_id": model_id,
        "model_title": _model_title(model_id),
        "formula": model.formula_en if _english() else model.formula_fr,
        "action": action,
        "using": using,
        "in_place": in_place,
        "in_place_left": [item for item in in_place if item.id not in {d.action.id for d in done}],
        "own_rows": [row for row in main if row.has_own_data],
        "other_rows": [row for row in main if not row.has_own_data],
        "advanced_rows": advanced,
        # Open when it holds a value to correct or one the person changed.
        "advanced_open": any(row.error or row.filled.source == "user" for row in advanced),
        "rows": rows,
        # The save form carries every input in one hidden field (one element, not one each).
        "carried_inputs": urlencode([(row.name, row.value) for row in rows]),
        "done": done,
        "nothing": sim.why_nothing(results, rows, action=action, using=using, done=done),
        "errors": errors,
        "results": results,
        "values": values or {},
        "facts": facts,
        "price": prefill.price_figure(facts.prefill),
        "price_source": prefill.SOURCE_LABELS[facts.prefill.price_source],
        "questions": {question.id: question for question in data.questions},
        "sources": sources,
        "save_form": save_form or ScenarioSaveForm(auto_id="save-%s"),
        "partial": partial,
        "query": urlencode({"action": action.id} if action else {}),
        "saved": [] if partial else selectors.scenarios_for_model(access=access, model_id=model_id),
        **_labels(),
    }
    template = "actions/_simulation.html" if partial else "actions/simulator.html"
    return render(request, template, context, status=400 if errors else 200)


@organisation_view()
@require_safe
def simulator(request: HttpRequest, access: OrganisationAccess, model_id: str) -> HttpResponse:
    if model_id not in engine_impact.MODELS:
        raise Http404("No such simulator.")
    action = _action_or_none(request.GET.get("action", ""), model_id)
    names = {spec.name for spec in engine_impact.MODELS[model_id].inputs}
    submitted = {name: request.GET[name] for name in names if name in request.GET}
    return _simulation(
        request, access, model_id, action, submitted, partial=request.GET.get("partial") == "1"
    )


@organisation_view(Access.CONTRIBUTE)
@require_POST
def scenario_save(request: HttpRequest, access: OrganisationAccess, model_id: str) -> HttpResponse:
    if model_id not in engine_impact.MODELS:
        raise Http404("No such simulator.")
    action = _action_or_none(request.POST.get("action", ""), model_id)
    names = {spec.name for spec in engine_impact.MODELS[model_id].inputs}
    carried = QueryDict(request.POST.get("inputs", ""))
    submitted = {
        name: request.POST.get(name, carried.get(name))
        for name in names
        if name in request.POST or name in carried
    }
    form = ScenarioSaveForm(request.POST, auto_id="save-%s")
    facts = prefill.facts_for(request, access)
    filled = prefill.with_user_values(
        facts.prefill.for_model(model_id, action.id if action else ""), submitted
    )
    values, _errors = sim.check(model_id, filled)
    if values is None or not form.is_valid():
        return _simulation(request, access, model_id, action, submitted, save_form=form)
    sources = {name: item.source for name, item in filled.items()}
    name = form.cleaned_data["name"] or _("%(model)s, %(date)s") % {
        "model": _model_title(model_id),
        "date": long_date(timezone.localdate()),
    }
    try:
        scenario = services.scenario_save(
            access=access,
            model_id=model_id,
            inputs=values,
            input_sources=sources,
            name=name,
            user=request.user,
            action_id=action.id if action else "",
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _simulation(request, access, model_id, action, submitted, save_form=form)
    messages.success(request, _("Scenario “%(name)s” saved.") % {"name": scenario.name})
    return redirect("actions:scenario", access.organisation.slug, scenario.pk)


@organisation_view()
@require_safe
def scenario_detail(
    request: HttpRequest, access: OrganisationAccess, scenario_id: int
) -> HttpResponse:
    scenario = selectors.scenario_get(access=access, pk=scenario_id)
    model = engine_impact.MODELS.get(scenario.model_id)
    action = _action_or_none(scenario.action_id)
    rows = []
    if model is not None:
        filled = {
            spec.name: prefill.Filled(
                scenario.inputs[spec.name], scenario.input_sources.get(spec.name, "unknown")
            )
            for spec in model.inputs
            if spec.name in scenario.inputs
        }
        rows = sim.field_rows(scenario.model_id, filled)
    results = None
    impact = sim.impact_from_dict(scenario.model_id, scenario.results)
    if impact is not None and model is not None:
        results = sim.results(scenario.model_id, impact)
    add_query: dict[str, str | int] = {"scenario": scenario.pk}
    if action is not None:
        add_query["action"] = action.id
    rerun_query = {name: sim.input_text(value) for name, value in scenario.inputs.items()}
    if action is not None:
        rerun_query["action"] = action.id
    return render(
        request,
        "actions/scenario_detail.html",
        {
            "access": access,
            "scenario": scenario,
            "model": model,
            "model_title": _model_title(scenario.model_id) if model else scenario.model_id,
            "action": action,
            "rows": rows,
            "results": results,
            "engine_version": scenario.results.get("engine_version", ""),
            "add_url": reverse("roadmap:item_create", args=[access.organisation.slug])
            + "?"
            + urlencode(add_query),
            "rerun_url": (
                reverse("actions:simulator", args=[access.organisation.slug, scenario.model_id])
                + "?"
                + urlencode(rerun_query)
            )
            if model
            else "",
            "questions": {q.id: q for q in engine_diagnostic.referential().questions},
            **_labels(),
        },
    )
