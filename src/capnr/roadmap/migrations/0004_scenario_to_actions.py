"""The Scenario model now belongs to the actions app (``actions.0001_scenario_from_roadmap``),
on the same table: the plan items' foreign key points there and this app forgets its copy. Both
steps change the migration state only; the table, its rows and the constraint stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0001_scenario_from_roadmap"),
        ("roadmap", "0003_roadmap_approval"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="planitem",
                    name="scenario",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="items",
                        to="actions.scenario",
                        verbose_name="expected effect (scenario)",
                    ),
                ),
                migrations.DeleteModel(name="Scenario"),
            ],
            database_operations=[],
        ),
    ]
