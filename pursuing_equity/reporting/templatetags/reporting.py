"""``{% leader_reflections %}``: the senior leader's updates waiting for a reflection, for the home page."""

from __future__ import annotations

from django import template

from pursuing_equity.reporting import selectors

register = template.Library()


@register.inclusion_tag("reporting/_leader_home.html", takes_context=True)
def leader_reflections(context) -> dict:
    user = context["request"].user
    return {"waiting": selectors.leader_queue(user)}
