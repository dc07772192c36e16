"""The Scenario model moved from the roadmap app to this one on the same table: a database at
the schema before the move keeps its scenarios, and the plan items keep their link to them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("roadmap", "0003_roadmap_approval"), ("actions", None)]


@pytest.mark.django_db(transaction=True)
def test_scenarios_and_their_plan_items_survive_the_move_to_the_actions_app():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)  # back to the schema of the roadmap app holding Scenario
    old = executor.loader.project_state([BEFORE[0]]).apps
    organisation = old.get_model("organisations", "Organisation").objects.create(
        name="Before the move", slug="before-the-move"
    )
    scenario = old.get_model("roadmap", "Scenario").objects.create(
        organisation=organisation,
        model_id="auto_shutdown",
        action_id="use.auto_shutdown",
        name="Night shutdown, kept before the move",
        inputs={"desktops": 120},
        input_sources={"desktops": "inventory"},
        results={"kwh": {"value": 1000.0, "low": 800.0, "high": 1200.0}},
        method_version="m1",
        data_version="d1",
    )
    item = old.get_model("roadmap", "PlanItem").objects.create(
        organisation=organisation,
        action_id="use.auto_shutdown",
        theme="usage",
        title="Shut the desktops down at night",
        scenario=scenario,
    )

    executor = MigrationExecutor(connection)  # a fresh loader sees the applied migrations
    executor.migrate(leaves)

    from capnr.actions.models import Scenario
    from capnr.roadmap.models import PlanItem

    kept = Scenario.objects.get(pk=scenario.pk)
    assert (kept.name, kept.inputs, kept.results["kwh"]["value"]) == (
        "Night shutdown, kept before the move",
        {"desktops": 120},
        1000.0,
    )
    assert kept.organisation.slug == "before-the-move"
    assert PlanItem.objects.get(pk=item.pk).scenario == kept
    assert list(kept.items.values_list("pk", flat=True)) == [item.pk]
    # The table is the one the roadmap app created; nothing was copied.
    assert Scenario._meta.db_table == "roadmap_scenario"
    # New rows go to the same table and are linked the same way.
    again = Scenario.objects.create(
        organisation=kept.organisation,
        model_id="printing",
        name="After the move",
        method_version="m1",
        data_version="d1",
    )
    assert Scenario.objects.filter(organisation=kept.organisation).count() == 2
    assert again.pk != kept.pk
