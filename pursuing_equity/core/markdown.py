"""Markdown written by people, rendered to HTML that is safe to put in our pages.

markdown-it-py (CommonMark, raw HTML off) turns the text into HTML, then nh3 (ammonia) keeps only
the tags and attributes below: no scripts, no event handlers, no ``javascript:`` links, no inline
styles (which the Content Security Policy would refuse anyway). Links open with
``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4",
    "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
#: Headings of a post sit under the page's own: level 1 and 2 become level 3.
_HEADINGS = {"<h1>": "<h3>", "</h1>": "</h3>", "<h2>": "<h3>", "</h2>": "</h3>"}


def render_markdown(text: str) -> SafeString:
    """``text`` as sanitised HTML (empty for empty text)."""
    html = _md.render(text or "")
    for old, new in _HEADINGS.items():
        html = html.replace(old, new)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
