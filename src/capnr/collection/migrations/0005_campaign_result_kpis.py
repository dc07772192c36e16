import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0004_erasure_certificate_file"),
        ("roadmap", "0004_scenario_to_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="kpi_items",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="roadmap.kpitarget",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="kpi_kg",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="roadmap.kpitarget",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="kpi_reuse",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="roadmap.kpitarget",
            ),
        ),
    ]
