from django import template

from pursuing_equity.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    """Markdown as sanitised HTML (:mod:`pursuing_equity.core.markdown`)."""
    return render_markdown(text)
