"""Read tables, lists and elements out of a rendered page (tests only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"br", "col", "img", "input", "meta", "link", "hr", "wbr", "source"}


@dataclass
class Cell:
    tag: str
    attrs: dict
    visible: str = ""  # text without visually hidden parts
    text: str = ""  # all text


@dataclass
class Table:
    attrs: dict
    caption: str = ""
    rows: list[list[Cell]] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, Table] = {}
        self.by_id: dict[str, str] = {}
        self.order: list[str] = []
        self._table: Table | None = None
        self._cell: Cell | None = None
        self._in_caption = False
        self._stack: list[tuple[str, bool, str | None]] = []  # tag, hidden, id
        self._texts: dict[str, list[str]] = {}

    def _hidden(self) -> bool:
        return any(hidden for _, hidden, _ in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = "visually-hidden" in (attrs.get("class") or "").split()
        if "id" in attrs:
            self.order.append(attrs["id"])
            self._texts[attrs["id"]] = []
        if tag == "table":
            self._table = Table(attrs)
            if "id" in attrs:
                self.tables[attrs["id"]] = self._table
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._table is not None:
            self._table.rows.append([])
        elif tag in ("td", "th") and self._table is not None and self._table.rows:
            self._cell = Cell(tag, attrs)
            self._table.rows[-1].append(self._cell)
        if tag not in VOID:
            self._stack.append((tag, hidden, attrs.get("id")))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self._stack:
            open_tag, _, element_id = self._stack.pop()
            if element_id is not None:
                self.by_id[element_id] = " ".join("".join(self._texts[element_id]).split())
            if open_tag == tag:
                break
        if tag == "table":
            self._table = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th"):
            if self._cell is not None:
                self._cell.visible = " ".join(self._cell.visible.split())
                self._cell.text = " ".join(self._cell.text.split())
            self._cell = None

    def handle_data(self, data):
        for _, _, element_id in self._stack:
            if element_id is not None:
                self._texts[element_id].append(data)
        if self._in_caption and self._table is not None:
            self._table.caption += data
        if self._cell is not None:
            self._cell.text += data
            if not self._hidden():
                self._cell.visible += data


@dataclass
class Page:
    tables: dict[str, Table]
    text_by_id: dict[str, str]
    ids: list[str]


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return Page(parser.tables, parser.by_id, parser.order)
