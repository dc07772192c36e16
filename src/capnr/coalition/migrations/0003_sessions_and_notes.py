import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coalition", "0002_initial"),
        ("organisations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="cohort",
            name="description",
            field=models.TextField(
                blank=True,
                help_text="What the cohort is about, shown to its organisations.",
                verbose_name="public description",
            ),
        ),
        migrations.AddField(
            model_name="cohortmembership",
            name="pending",
            field=models.BooleanField(
                default=False, verbose_name="awaiting the référent's consent"
            ),
        ),
        migrations.AddField(
            model_name="cohortmembership",
            name="invited_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("kick_off", "Kick-off"),
                            ("diagnostic_workshop", "Diagnostic workshop"),
                            ("roadmap_workshop", "Roadmap workshop"),
                            ("peer_meeting", "Peer meeting"),
                            ("webinar", "Webinar"),
                            ("closing", "Closing event"),
                        ],
                        max_length=32,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("starts_at", models.DateTimeField(verbose_name="starts at")),
                ("ends_at", models.DateTimeField(verbose_name="ends at")),
                ("place", models.CharField(blank=True, max_length=250, verbose_name="place")),
                ("video_url", models.URLField(blank=True, verbose_name="video link")),
                ("agenda", models.TextField(blank=True, verbose_name="agenda")),
                ("invitations_sent_at", models.DateTimeField(blank=True, null=True)),
                ("reminder_sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "cohort",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sessions",
                        to="coalition.cohort",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "expected",
                    models.ManyToManyField(
                        blank=True,
                        related_name="expected_sessions",
                        to="organisations.organisation",
                        verbose_name="organisations expected",
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "ordering": ["starts_at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("ends_at__gte", models.F("starts_at"))),
                        name="session_ends_after_start",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SessionMaterial",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("url", models.URLField(verbose_name="link")),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="materials",
                        to="coalition.session",
                    ),
                ),
            ],
            options={
                "verbose_name": "session material",
                "verbose_name_plural": "session materials",
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="Attendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("present", "Present"),
                            ("excused", "Excused"),
                            ("absent", "Absent"),
                        ],
                        max_length=16,
                        verbose_name="attendance",
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendances",
                        to="organisations.organisation",
                    ),
                ),
                (
                    "people",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="people present",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendances",
                        to="coalition.session",
                    ),
                ),
            ],
            options={
                "verbose_name": "attendance",
                "verbose_name_plural": "attendances",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "organisation"),
                        name="attendance_one_per_organisation",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FacilitatorNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(verbose_name="note")),
                (
                    "follow_up_on",
                    models.DateField(blank=True, null=True, verbose_name="follow up on"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "coalition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notes",
                        to="coalition.coalition",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "facilitator note",
                "verbose_name_plural": "facilitator notes",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
