from django.db import migrations, models


def mark_stored_snapshots_ready(apps, schema_editor):
    """Updates submitted before the status existed carry their snapshot already."""
    Update = apps.get_model("reporting", "Update")
    Update.objects.filter(charts_as_of__isnull=False).update(charts_status="ready")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="update",
            name="charts_status",
            field=models.CharField(
                choices=[
                    ("none", "No charts"),
                    ("preparing", "Charts being prepared"),
                    ("ready", "Charts ready"),
                    ("failed", "Charts could not be prepared"),
                ],
                default="none",
                max_length=10,
            ),
        ),
        migrations.RunPython(mark_stored_snapshots_ready, migrations.RunPython.noop),
    ]
