"""Rows built in Python read as the template engine would print them (no database)."""

from django.template import Context, Template
from django.utils.html import format_html

from pursuing_equity.core.tables import table_rows


def test_values_are_escaped_like_a_template_and_safe_markup_is_kept():
    name = "<b>O'Neil & Sons</b>"
    link = format_html('<a href="{}">{}</a>', "/t/?a=1&b=2", name)
    rows = table_rows([(link, name, 3, None)])
    printed = Template("{{ name }}").render(Context({"name": name}))
    assert rows == (
        f'<tr><th scope="row"><a href="/t/?a=1&amp;b=2">{printed}</a></th>'
        f"<td>{printed}</td><td>3</td><td></td></tr>\n"
    )


def test_the_header_cell_is_the_one_asked_for():
    assert table_rows([("a", "b")], header=1) == '<tr><td>a</td><th scope="row">b</th></tr>\n'
