"""``{% fresh "name" [value …] [from source] %}…{% endfresh %}``: the block's HTML, kept until the
data change.

The block is rendered once and served again while its key is the same: the data version
(:func:`pursuing_equity.core.freshness.data_version`), the person, the request's full path, the
session's CSRF secret, the language, the clock minute and the values given. Use it around what a
read page computes from the database. ``from source`` names a callable of the context (the view's
computation, not yet run) that returns a dict: it is called only when the block is rendered, and
its items are the block's context, so a kept block computes nothing. Messages (shown once) must
stay outside the block. Only a GET is served from or kept in the cache: the answer to a POST (a
form shown again with its errors) is always rendered.
"""

from __future__ import annotations

from django import template
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from pursuing_equity.core.freshness import data_version

register = template.Library()

#: Kept a little over the clock minute that is part of the key.
SECONDS = 90


class FreshNode(template.Node):
    def __init__(self, nodelist, name, values, source):
        self.nodelist, self.name, self.values, self.source = nodelist, name, values, source

    def render(self, context):
        request = context["request"]
        version = data_version() if request.method in ("GET", "HEAD") else None
        if version is None:  # a form shown again with its errors, or uncommitted writes
            with context.push(**self.computed(context)):
                return self.nodelist.render(context)
        get_token(request)  # the session's secret exists before it is part of the key
        key = make_template_fragment_key(
            f"fresh:{self.name.resolve(context)}",
            [
                version,
                request.user.pk,
                request.get_full_path(),
                request.META.get("CSRF_COOKIE", ""),
                get_language(),
                timezone.now().strftime("%Y%m%d%H%M"),
                *(value.resolve(context) for value in self.values),
            ],
        )
        cache = caches["fragments"]
        html = cache.get(key)
        if html is None:
            with context.push(**self.computed(context)):
                html = self.nodelist.render(context)
            cache.set(key, html, SECONDS)
        return html

    def computed(self, context) -> dict:
        return (self.source.resolve(context) if self.source else None) or {}


@register.tag
def fresh(parser, token):
    bits = token.split_contents()[1:]
    source = None
    if len(bits) >= 2 and bits[-2] == "from":
        source, bits = parser.compile_filter(bits[-1]), bits[:-2]
    if not bits:
        raise template.TemplateSyntaxError('{% fresh %} needs a name: {% fresh "home" %}')
    nodelist = parser.parse(("endfresh",))
    parser.delete_first_token()
    return FreshNode(
        nodelist,
        parser.compile_filter(bits[0]),
        [parser.compile_filter(b) for b in bits[1:]],
        source,
    )
