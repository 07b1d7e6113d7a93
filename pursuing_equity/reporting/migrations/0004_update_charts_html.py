from django.db import migrations, models
from django.template.loader import render_to_string


def draw_stored_snapshots(apps, schema_editor):
    """Updates whose snapshot is stored get it drawn once as the page shows it."""
    Update = apps.get_model("reporting", "Update")
    ready = Update.objects.filter(charts_status="ready").only("pk", "charts")
    for update in ready.iterator(chunk_size=100):
        html = render_to_string("reporting/_charts.html", {"charts": update.charts})
        Update.objects.filter(pk=update.pk).update(charts_html=html)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_digest"),
    ]

    operations = [
        migrations.AddField(
            model_name="update",
            name="charts_html",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(draw_stored_snapshots, migrations.RunPython.noop),
    ]
