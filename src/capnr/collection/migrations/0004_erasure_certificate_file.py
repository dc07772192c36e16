from django.db import migrations, models

import capnr.collection.models


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0003_sortingbatch_device_lines"),
    ]

    operations = [
        migrations.AddField(
            model_name="erasure",
            name="certificate_file",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=capnr.collection.models.private_storage,
                upload_to=capnr.collection.models.certificate_path,
                verbose_name="certificate file",
            ),
        ),
        migrations.AddField(
            model_name="erasure",
            name="certificate_file_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="erasure",
            name="certificate_content_type",
            field=models.CharField(blank=True, max_length=40),
        ),
    ]
