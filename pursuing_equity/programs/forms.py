"""Forms of the informational call's page (registration, self-check) and its staff page."""

from __future__ import annotations

from django import forms

from pursuing_equity.programs.call import Question
from pursuing_equity.programs.models import CallLinks, CallRegistration

YES_NO = [("yes", "Yes"), ("no", "No")]


class CallRegistrationForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=CallRegistration._meta.get_field("name").max_length,
        error_messages={
            "required": "Enter your name.",
            "max_length": "Your name: at most %(limit_value)d characters.",
        },
    )
    organization = forms.CharField(
        label="Your organization",
        max_length=CallRegistration._meta.get_field("organization").max_length,
        error_messages={
            "required": "Enter your organization's name.",
            "max_length": "Your organization: at most %(limit_value)d characters.",
        },
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We email the link to join the call here.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Your email address: enter an address like name@example.org.",
        },
    )

    def clean(self):
        data = super().clean()
        for name in ("name", "organization"):
            value = data.get(name)
            if value is not None and any(ord(c) < 32 and c not in "\t" for c in value):
                self.add_error(name, f"Your {name}: remove the control characters.")
            elif value is not None and not value.strip():
                self.add_error(name, f"Your {name}: enter some text.")
        return data


class SelfCheckForm(forms.Form):
    """One yes/no question per ``self_check.questions`` of the program file."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Answer yes or no: {question.text}",
                    "invalid_choice": f"Answer yes or no: {question.text}",
                },
            )

    def answers(self) -> dict[str, bool]:
        return {key: value == "yes" for key, value in self.cleaned_data.items()}


class CallLinksForm(forms.ModelForm):
    class Meta:
        model = CallLinks
        fields = ["join_url", "join_details", "recording_url"]
        widgets = {"join_details": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "join_url": {"invalid": "Link to join the call: enter a full address (https://…)."},
            "recording_url": {
                "invalid": "Link to the recording: enter a full address (https://…)."
            },
        }

    def clean(self):
        data = super().clean()
        for name in ("join_url", "recording_url"):
            value = data.get(name) or ""
            if value and not value.lower().startswith(("https://", "http://")):
                self.add_error(name, "Enter an address that starts with https://.")
        return data
