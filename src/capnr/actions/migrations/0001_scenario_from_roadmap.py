"""The Scenario model moves from the roadmap app to this one, keeping its table
(``roadmap_scenario``) and its rows: this migration only records the model in this app's state;
``roadmap.0004_scenario_to_actions`` points the plan items' foreign key here and forgets its own
copy. Nothing is written to the database but the content type's app label (so permissions and
admin history follow the model)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="actions", model="scenario").exists():
        content_type.objects.using(db).filter(app_label="roadmap", model="scenario").update(
            app_label="actions"
        )


def restore_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not content_type.objects.using(db).filter(app_label="roadmap", model="scenario").exists():
        content_type.objects.using(db).filter(app_label="actions", model="scenario").update(
            app_label="roadmap"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisations", "0003_turnover_over_250m"),
        ("roadmap", "0003_roadmap_approval"),  # the table exists from roadmap.0001
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Scenario",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("model_id", models.CharField(max_length=32)),
                        ("action_id", models.CharField(blank=True, max_length=64)),
                        ("name", models.CharField(max_length=160, verbose_name="name")),
                        ("inputs", models.JSONField(default=dict)),
                        ("input_sources", models.JSONField(default=dict)),
                        ("results", models.JSONField(default=dict)),
                        ("method_version", models.CharField(max_length=32)),
                        ("data_version", models.CharField(max_length=32)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="scenarios",
                                to="organisations.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "roadmap_scenario",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type, elidable=True),
    ]
