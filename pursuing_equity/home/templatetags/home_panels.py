"""``{% panel_body panel %}``: a panel's own template, rendered with the panel's context on top of
the page's (``{% include … with %}`` cannot spread a mapping, and ``context`` is a reserved name)."""

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def panel_body(context, panel) -> SafeString:
    body = context.template.engine.get_template(panel.template)
    with context.push(**panel.context):
        return body.render(context)
