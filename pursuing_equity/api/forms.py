from django import forms

from pursuing_equity.api.models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “Monthly EHR export”."
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ.value],
        help_text="Give a token only what its script needs.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        max_value=366,
        initial=90,
        help_text="Between 1 and 366 days; leave empty for a token that lasts until you revoke it.",
    )
