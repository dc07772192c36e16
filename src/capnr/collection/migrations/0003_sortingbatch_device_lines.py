from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0002_campaign_outcomes_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="sortingbatch",
            name="is_device",
            field=models.BooleanField(default=False, verbose_name="one device"),
        ),
        migrations.AddField(
            model_name="sortingbatch",
            name="serial_number",
            field=models.CharField(blank=True, max_length=100, verbose_name="serial number"),
        ),
        migrations.AddField(
            model_name="sortingbatch",
            name="asset_tag",
            field=models.CharField(
                blank=True,
                help_text="The organisation's inventory number, if the device has one.",
                max_length=100,
                verbose_name="asset tag",
            ),
        ),
    ]
