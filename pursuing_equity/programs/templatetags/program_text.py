"""``{{ text|fill:document }}``: a text of the program file with its placeholders filled in."""

from typing import Any

from django import template

from pursuing_equity.programs import text

register = template.Library()


@register.filter
def fill(value: Any, document: dict) -> str:
    """Plain text (escaped by the template as usual); empty for anything that is not a string."""
    return text.render(value, document) if isinstance(value, str) else ""
