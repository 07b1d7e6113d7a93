"""Form widgets that render the same HTML as Django's, faster where a page has many of them.

Django renders a ``<select>`` through its template engine with one ``{% include %}`` per option
(and one more for the option's attributes), which made most of the time of pages with several
long lists (the cohort builder, the 1:1 coaches page: one list of faculty per team).
:class:`QuickSelect` writes the very markup of ``django/forms/widgets/select.html`` and
``select_option.html`` in Python, escaping as the templates do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare name for True, none for False."""
    return "".join(
        ""
        if value is False
        else f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
    )


class QuickSelect(forms.Select):
    """A ``<select>`` with the markup of Django's :class:`~django.forms.Select`, written without
    the template engine."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
