"""Decision letters come from the program file's templates (pure, no database)."""

import pytest

from pursuing_equity.review.letters import (
    DECLINE,
    letter_problems,
    render_letter,
    required_letters,
)
from pursuing_equity.review.tests.conftest import program_document

VALUES = {
    "recipient": "Amara Okafor",
    "organization": "Riverbend Health",
    "cohort": "Action Community",
}


INVITATION = "action_community_accept"
NOT_SELECTED = "action_community_not_selected"


def test_every_letter_of_the_program_file_renders():
    assert required_letters(program_document()) == [
        "learning_network_accept",
        "action_community_accept",
        "action_community_not_selected",
        "decline",
    ]
    assert letter_problems(program_document()) == []


def test_invitation_names_the_team_and_the_program_dates():
    letter = render_letter(program_document(), INVITATION, VALUES)
    assert "invitation" in letter.subject.lower()
    assert letter.body.startswith("Dear Amara Okafor,")
    assert (
        "invite Riverbend Health to join the Action Community (January 2023 – June 2024)"
        in letter.body
    )
    assert "pursuingequity@ihi.org" in letter.body


def test_not_selected_letter_carries_feedback_and_the_learning_network_offer():
    letter = render_letter(program_document(), NOT_SELECTED, {**VALUES, "feedback": "Strong data."})
    assert "Strong data." in letter.body
    assert "offer Riverbend Health a place in the Learning Network" in letter.body
    assert "accept or decline the offer" in letter.body
    assert "within 30 days" not in letter.body  # no second clock after the AC decision


def test_empty_feedback_leaves_no_empty_paragraph():
    letter = render_letter(program_document(), DECLINE, {**VALUES, "feedback": ""})
    assert "\n\n\n" not in letter.body
    assert "${" not in letter.body and "{text:" not in letter.body


def test_a_template_with_an_unknown_field_is_reported():
    document = dict(program_document())
    letters = dict(document["decision_letters"])
    letters[DECLINE] = {"subject": "Hi", "body": "Dear ${nobody}"}
    document["decision_letters"] = letters
    assert letter_problems(document) == ["decision_letters.decline: 'nobody'"]
    with pytest.raises(KeyError):
        render_letter(document, DECLINE, VALUES)
