from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0001_campaigns_points_deposits_sorting"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="outcomes_token",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
    ]
