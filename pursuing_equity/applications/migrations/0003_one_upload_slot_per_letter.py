"""One upload slot per letter: the single ``commitment_letter`` becomes ``ceo_letter`` and
``board_chair_letter``.

Every version of a commitment letter is kept as a version of the CEO's letter (with the CEO's
signature where the applicant confirmed it); a version the applicant confirmed as signed by the
Board Chair as well is also kept, as the same file, as a version of the Board Chair's letter. A
stored cycle whose program document predates the ``letters`` table gets one, built from its
``commitment_letter`` materials' signatories, so its applications keep asking for the same letters.
"""

from django.db import migrations

OLD = "commitment_letter"
SLOTS = {"CEO": "ceo_letter", "Board Chair": "board_chair_letter"}
NAMES = {
    "ceo_letter": "Letter of commitment signed by your CEO",
    "board_chair_letter": "Letter of commitment signed by your Board Chair",
}


def add_letters_to_cycles(apps, schema_editor):
    Cycle = apps.get_model("programs", "Cycle")
    for cycle in Cycle.objects.all():
        document = cycle.document
        if "letters" in document:
            continue
        letters = {"source": "migrated from the commitment_letter materials' signatories"}
        for cohort_key, cohort in document.get("cohorts", {}).items():
            for material in cohort.get("application", {}).get("materials", []):
                if material.get("key") != OLD:
                    continue
                for signatory in material.get("signatories", []):
                    slot = SLOTS.get(signatory)
                    if slot is None:
                        continue
                    letter = letters.setdefault(
                        slot, {"name": NAMES[slot], "signatory": signatory, "cohorts": []}
                    )
                    letter["cohorts"].append(cohort_key)
        document["letters"] = letters
        cycle.save(update_fields=["document"])


def split_commitment_letters(apps, schema_editor):
    Document = apps.get_model("applications", "ApplicationDocument")
    next_version: dict[tuple[int, str], int] = {}
    for old in Document.objects.filter(kind=OLD).order_by("application_id", "version"):
        signed = list(old.signatories)
        for signatory, slot in SLOTS.items():
            if slot != "ceo_letter" and signatory not in signed:
                continue
            version = next_version.get((old.application_id, slot), 0) + 1
            next_version[(old.application_id, slot)] = version
            if slot == "ceo_letter":
                old.kind, old.version = slot, version
                old.signatories = [s for s in signed if s == signatory]
                old.save(update_fields=["kind", "version", "signatories"])
            else:
                copy = Document.objects.create(
                    application_id=old.application_id,
                    kind=slot,
                    version=version,
                    file=old.file.name,
                    original_name=old.original_name,
                    size=old.size,
                    sha256=old.sha256,
                    signatories=[signatory],
                    uploaded_by_id=old.uploaded_by_id,
                )
                # auto_now_add stamped the copy now; it was uploaded with the original.
                Document.objects.filter(pk=copy.pk).update(uploaded_at=old.uploaded_at)


def join_letters(apps, schema_editor):
    Document = apps.get_model("applications", "ApplicationDocument")
    Document.objects.filter(kind="board_chair_letter").delete()
    Document.objects.filter(kind="ceo_letter").update(kind=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_application_offered_state"),
        ("programs", "0002_activity_duration_optional"),
    ]

    operations = [
        migrations.RunPython(add_letters_to_cycles, migrations.RunPython.noop),
        migrations.RunPython(split_commitment_letters, join_letters),
    ]
