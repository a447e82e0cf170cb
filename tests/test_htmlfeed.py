"""taizhang.htmlfeed makes the calls html.parser makes (the search index parses
every page with it; tests/test_nav_cache.py compares whole sites)."""

from __future__ import annotations

import random
import sys
from html.parser import HTMLParser

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "hooks"))

from taizhang.htmlfeed import _tokens, feed  # noqa: E402


class Recorder(HTMLParser):
    """Every call html.parser makes to its handlers, in order."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def handle_starttag(self, tag, attrs):
        self.calls.append(("start", tag, attrs))

    def handle_endtag(self, tag):
        self.calls.append(("end", tag))

    def handle_startendtag(self, tag, attrs):
        self.calls.append(("startend", tag, attrs))

    def handle_data(self, data):
        self.calls.append(("data", data))

    def handle_comment(self, data):
        self.calls.append(("comment", data))

    def handle_decl(self, decl):
        self.calls.append(("decl", decl))

    def handle_pi(self, data):
        self.calls.append(("pi", data))

    def unknown_decl(self, data):
        self.calls.append(("unknown", data))


def _fed(parser, html: str, fast: bool):
    """The parser after the page: through htmlfeed, or html.parser's own feed and close."""
    if fast:
        feed(parser, html)
    else:
        parser.feed(html)
        parser.close()
    return parser


def _calls(html: str, fast: bool) -> list:
    return _fed(Recorder(), html, fast).calls


PIECES = ['<p>', '</p>', '<div class="tz-facts">', '</div>', '<table>', '<tr>', '<th>', '<td>', '</td>', '</tr>',
          '<a href="../../rounds/LC-001/">', '</a>', '<br>', '<br/>', '<br />', '<hr class="x"/>', '<span title="a&amp;b">',
          '</span>', '<h2 id="措施内容">', '</h2>', '<input disabled>', '<img alt="" src="x.png">', '<A HREF="x">',
          '<code>', '</code>', '<pre>', '</pre>', '<li data-search-exclude>', '</li>', '<ul>', '</ul>',
          '整改', '措施', ' ', '\n', '  \n ', '&amp;', '&lt;', '&#x4e00;', '&nbsp;', '&copy', 'a & b', '&unknown;', '>',
          'R&D', '&#65;', 'x&y;', '&',
          # not plain: the whole document goes to html.parser
          '<!-- note -->', '<!DOCTYPE html>', '<?pi?>', 'a < b', '<a href=x>', "<a href='x'>", '<script>if (a<b) x();</script>',
          '<style>p>a{}</style>', '</ p>', '<a  href = "x">', '<x-y>', '<a href="a>b">', '<p\u3000class="x">', '<']


def test_the_same_calls_as_html_parser_on_random_html():
    rng = random.Random(32)
    plain = 0
    for _ in range(6000):
        html = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        assert _calls(html, True) == _calls(html, False), html
        plain += _tokens(html) is not None
    assert plain > 300   # not vacuous: many documents took the quick way


def test_the_same_calls_on_the_sample_site(sample_site):
    _, site = sample_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        main = html[html.find('<article'):html.find('</article>') + 10]   # what the search index reads
        assert _tokens(main) is not None, page
        assert _calls(main, True) == _calls(main, False), page
        assert _calls(html, True) == _calls(html, False), page


SECTION_PIECES = PIECES + ['<h1 id="a">', '</h1>', '<h2 id="b">', '<h3>', '</h3>', '<h4 id="c" data-search-exclude>', '</h4>',
                           '<a class="headerlink" href="#b">', '<div class="linenodiv">', '<object>', '</object>',
                           '<section data-search-exclude>', '</section>', '<section>', '<hx>', '</hx>', '<sub>', '</sub>',
                           '<pre>', '\n\n', '<ol>', '</ol>', '<p>x</p>', '<p> </p>']


def _sections(parser_class, html: str, fast: bool) -> list:
    return [(s.el.tag, s.el.attrs, s.id, s.title, s.text, s.depth) for s in _fed(parser_class(), html, fast).data]


def test_the_quick_parser_makes_materials_sections(sample_site):
    """htmlfeed.quick_parser: the sections Material's search Parser makes, on
    random HTML (headings with and without ids, permalinks, excluded and
    skipped blocks, whitespace in and out of <pre>) and on every sample page."""
    from material.plugins.search import plugin as material

    from taizhang.htmlfeed import quick_parser

    quick = quick_parser(material)
    assert quick is not material.Parser   # the installed Material is the one reproduced
    rng = random.Random(33)
    compared = 0
    for _ in range(4000):
        html = "".join(rng.choice(SECTION_PIECES) for _ in range(rng.randint(0, 40)))
        for fast in (True, False):
            try:
                expected = _sections(material.Parser, html, fast)
            except ValueError:   # Material's own failure: the quick parser fails alike
                with pytest.raises(ValueError):
                    _sections(quick, html, fast)
                continue
            assert _sections(quick, html, fast) == expected, html
            compared += any(section[3] or section[4] for section in expected)
    assert compared > 4000
    _, site = sample_site
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        main = html[html.find('<article'):html.find('</article>') + 10]
        assert _sections(quick, main, True) == _sections(material.Parser, main, False), page
