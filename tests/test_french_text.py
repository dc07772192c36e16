"""Every page of the demo, in French, reads as French.

The demo is seeded, then each demo role (référent, contributor and reader of the Haut-Vallon road
agency, the référent of the commune, the cohort's facilitator) and a logged-out visitor follow
every link of every page they can reach, through Django's test client (no browser: this runs in
the normal suite, on SQLite and PostgreSQL). The text a person sees — the text of the page,
without scripts and styles, plus the alt, title, aria-label and placeholder attributes and the
value of buttons — must not hold:

- English words or phrases the French interface translates ("per year", "kWh/yr", "Save"…);
- codes from the data or the code: snake_case names (``server_rack``), dotted identifiers
  (``use.auto_shutdown``), a category's code instead of its name;
- French typographic mistakes: "1 janvier" (1er), a colon, semicolon, question or exclamation
  mark glued to the word before it ("Question 1:"), a verb in the plural after "1" ("1 sont").

A failure lists each page with the offending text, for every role at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import polib
import pytest
from django.test import Client

from capnr.organisations.models import User

DEMO_PASSWORD = "french-text-demo-2025"
AGENCY = "routes-haut-vallon"
COMMUNE = "belrive-sur-lanne"
# (role, organisation slug) of the demo accounts that crawl; '' for the facilitator.
ROLES = [
    ("referent", AGENCY),
    ("contributor", AGENCY),
    ("reader", AGENCY),
    ("referent", COMMUNE),
    ("facilitator", ""),
]
EXCLUDED_PREFIXES = ("/admin/", "/api/", "/static/", "/i18n/", "/accounts/logout/")
# Links that are files, not pages (exports, templates, calendar feeds).
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".pdf", ".ics", ".json", ".zip")
# Pages that differ only by an id (a site's edit page, a question's workshop page) or a query
# (a sort order, a page number) share a template: a crawl reads a few of each shape. The first
# role reads every page of the shapes whose text comes from the reference data (each action of
# the catalogue, each roadmap item with its indicators).
PAGES_PER_SHAPE = 2
EVERY_PAGE_OF = (re.compile(r"/actions/catalogue/<id>/$"), re.compile(r"/roadmap/<id>/$"))

# ---------------------------------------------------------------------------------------------
# What to look for
# ---------------------------------------------------------------------------------------------

# Words and phrases of English that the French interface must never show. Whole words, case
# sensitive unless marked; chosen not to be French words too (no "Total", "Type", "Source",
# "Date", "Question", "Score", "Impact", "Menu", "Action", "Service", "Message"...).
ENGLISH = [
    r"per (?:year|month|day|week|hour|person|device|user)",
    r"/(?:yr|year|month|day|h)\b(?!\S*\.)",
    r"\((?:number|count|hours?|years?)\)",
    r"(?i:\bcount\b)",
    r"(?i:\bnumber\b)",
    r"\bDemo\b",
    r"(?i:\b(?:save|cancel|delete|remove|edit|submit|download|upload|settings)\b)",
    r"\b(?:Back|Next|Previous|Close|Show|Hide|Search|Loading|Help|Home|Yes)\b",
    r"(?i:\b(?:error|errors|warning|warnings)\b)",
    r"(?i:\b(?:year|years|month|months|week(?!-end)|weeks|days|hours)\b)",
    r"(?i:\b(?:the|and|of|with|your|you|this|these|from|which|when|should|must|per)\b)",
    r"(?i:\b(?:roadmap|footprint|inventory|workshop|dashboard|scenario|scenarios)\b)",
    r"(?i:\b(?:device|devices|desktop|desktops|laptop|laptops|printer|printers)\b)",
    r"(?i:\b(?:server|servers|monitor|monitors|screen|screens|tablet|tablets)\b)",
    r"(?i:\b(?:unknown|other|others|none|not applicable)\b)",
    r"\b(?:None|True|False|nan|NaN|null)\b",
    r"(?i:\blog ?(?:in|out)\b|\bsign ?in\b|\bpassword\b)",
]
ENGLISH_PATTERN = re.compile("|".join(f"(?:{pattern})" for pattern in ENGLISH))

# Proper nouns that hold one of those words and are the real name of a product, an organisation
# or an English-language source the page cites; they are taken out of the text before the check.
PROPER_NOUNS = [
    "OCS Inventory",  # the inventory software
    # Titles of English-language works that the sources cite (engine/data/sources_fr.csv).
    "5 simple ways to avoid energy waste in your data center",  # ENERGY STAR
    "Temperature management in data centers: why some (might) like it hot",  # SIGMETRICS 2012
    "Temperature optimisation in data centres",  # Coroamă, arXiv
    "environmental-footprint-data",  # Boavizta's data set
]

# snake_case and dotted identifiers: ``server_rack``, ``use.auto_shutdown``, ``hosting.pue``.
SNAKE_CASE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-]|\.\w)")
DOTTED = re.compile(r"(?<![\w@./:-])[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+(?![\w@/-])")
# What a dotted word may legitimately be: a domain, an address, a file.
NOT_AN_IDENTIFIER = re.compile(
    r"\.(?:fr|org|com|net|eu|gouv|example|io|info|paris|csv|xlsx|xls|ods|pdf|json|ics|txt|zip)$"
)
# Files and paths a source cites (src/devices.js, data/factors.yml): their names, not words.
FILE_PATH = re.compile(r"[\w.*-]*(?:/[\w.*-]+)+\.\w+|[\w*-]+\.(?:csv|json|js|ts|yml|toml)\b")

# The number 1 on its own: not 21, 1,5, nor the end of "2 001" (a thousands group).
ONE = r"(?<!\d[ \u00a0\u202f])(?<![\d,.])\b1"
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
TYPOGRAPHY = [
    (re.compile(rf"{ONE}[ \u00a0](?:{MONTHS})\b"), "1er for the first of a month"),
    (
        re.compile(r"[\w»)\]%]([:;?!])(?=\s|$)"),
        "a space (or non-breaking space) before : ; ? ! in French",
    ),
    (
        re.compile(rf"{ONE}\s(?:sont|ont|seront|étaient|peuvent|doivent|restent)\b"),
        "a singular verb after 1",
    ),
]


# ---------------------------------------------------------------------------------------------
# Reading a page as a person sees it
# ---------------------------------------------------------------------------------------------

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "legend", "li", "main", "nav", "ol", "option", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
    "label", "button", "select", "textarea", "svg", "text", "tspan", "desc",
}  # fmt: skip
HIDDEN_TAGS = {"script", "style", "template"}
# Text marked as code for the reader (an HTTP header to send, a column name a file must have):
# written as the machine wants it, not checked as French.
CODE_TAGS = {"code", "kbd", "samp"}
SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


class VisibleText(HTMLParser):
    """Lines of text as a person reads them: inline text joined, a new line at each block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []
        self._hidden_depth = 0

    def _break(self) -> None:
        line = re.sub(r"[ \t\r\n]+", " ", "".join(self._current)).strip()
        if line:
            self.lines.append(line)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS or tag in CODE_TAGS:
            self._hidden_depth += 1
            return
        if tag in BLOCK_TAGS:
            self._break()
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.lines.append(str(values[name]).strip())
        button = tag == "input" and values.get("type") in {"submit", "button", "reset"}
        if button and values.get("value"):
            self.lines.append(str(values["value"]).strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN_TAGS or tag in CODE_TAGS:
            self._hidden_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS or tag in CODE_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
            return
        if tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._break()


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def visible_lines(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.lines


def problems_in(line: str) -> Iterator[str]:
    text = line
    for noun in PROPER_NOUNS:
        text = text.replace(noun, " ")
    text = FILE_PATH.sub(" ", text)
    for match in ENGLISH_PATTERN.finditer(text):
        yield f"English {match.group(0)!r}"
    for match in SNAKE_CASE.finditer(text):
        yield f"code {match.group(0)!r}"
    for match in DOTTED.finditer(text):
        if not NOT_AN_IDENTIFIER.search(match.group(0)):
            yield f"code {match.group(0)!r}"
    for pattern, rule in TYPOGRAPHY:
        for match in pattern.finditer(text):
            yield f"typography {match.group(0)!r} ({rule})"


# ---------------------------------------------------------------------------------------------
# The crawl
# ---------------------------------------------------------------------------------------------


@dataclass
class Crawl:
    pages: dict[str, list[str]] = field(default_factory=dict)  # path -> problems
    statuses: dict[str, int] = field(default_factory=dict)


def _local_path(base: str, href: str) -> str | None:
    absolute = urlsplit(urljoin("http://testserver" + base, href))
    if absolute.scheme not in {"http", "https"} or absolute.netloc != "testserver":
        return None
    path = urlunsplit(("", "", absolute.path or "/", absolute.query, ""))
    if path.startswith(EXCLUDED_PREFIXES) or absolute.path.endswith(DOWNLOAD_SUFFIXES):
        return None
    return path


def shape(path: str) -> str:
    """/o/x/sites/12/edit/ and /o/x/sites/13/edit/ share a shape, as do ?page=2 and ?page=3."""
    bare, _, query = path.partition("?")
    bare = re.sub(r"/(?:\d+|[a-z_]+\.[a-z0-9_]+)(?=/)", "/<id>", bare)
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return bare + ("?" + "&".join(keys) if keys else "")


def crawl(client: Client, start: str, *, every_page: bool = False) -> Crawl:
    """Every page reachable from start by GET links (PAGES_PER_SHAPE of each shape; every_page
    reads every instance of the EVERY_PAGE_OF shapes)."""
    result = Crawl()
    queue = [start]
    seen = {start}
    shapes: dict[str, int] = defaultdict(int)
    while queue:
        path = queue.pop(0)
        response = client.get(path)
        if 300 <= response.status_code < 400:
            target = _local_path(path, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        result.statuses[path] = response.status_code
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        html = response.content.decode()
        result.pages[path] = [
            f"{problem}: {line[:160]!r}"
            for line in visible_lines(html)
            for problem in problems_in(line)
        ]
        links = Links()
        links.feed(html)
        for href in links.hrefs:
            link = _local_path(path, href)
            if link is None or link in seen:
                continue
            seen.add(link)
            kind = shape(link)
            shapes[kind] += 1
            unlimited = every_page and any(pattern.search(kind) for pattern in EVERY_PAGE_OF)
            if shapes[kind] <= PAGES_PER_SHAPE or unlimited:
                queue.append(link)
    return result


@pytest.fixture
def demo_accounts(db: None) -> dict[tuple[str, str], str]:
    from capnr.web.demo import seed_demo

    accounts = seed_demo(password=DEMO_PASSWORD)
    return {(account.role, account.organisation_slug): account.email for account in accounts}


def _report(role: str, crawl_result: Crawl) -> list[str]:
    return [
        f"[{role}] {path}\n    " + "\n    ".join(sorted(set(problems)))
        for path, problems in crawl_result.pages.items()
        if problems
    ]


def test_every_demo_page_reads_as_french_for_every_role(demo_accounts):
    failures: list[str] = []
    crawled = 0
    for role, slug in ROLES:
        # A link to a page the role may not open is the rights' tests' business, not this one's.
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(email=demo_accounts[(role, slug)]))
        result = crawl(client, f"/o/{slug}/" if slug else "/", every_page=not crawled)
        crawled += len(result.pages)
        failures += _report(f"{role} {slug}".strip(), result)
    anonymous = crawl(Client(), "/")
    for path in ("/accounts/login/", "/accounts/password/reset/"):
        anonymous.pages.update(crawl(Client(), path).pages)
    crawled += len(anonymous.pages)
    failures += _report("logged out", anonymous)
    print(f"{crawled} pages read")
    assert crawled > 50
    assert not failures, f"{len(failures)} French pages show English, codes or typos:\n" + (
        "\n".join(failures)
    )


# ---------------------------------------------------------------------------------------------
# What the crawl cannot reach: every count of the catalogue, and the forms' error messages
# ---------------------------------------------------------------------------------------------

CATALOGUE = Path(__file__).resolve().parents[1] / "src/capnr/locale/fr/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# The placeholders of the catalogue that hold a count (the others hold names, dates, labels).
COUNTS = {
    "answered", "count", "counter", "days", "deleted", "devices", "headcount", "hours",
    "minutes", "more_problems", "n", "number", "packages", "questions", "skipped", "theme_count",
    "themes", "total", "unquantified",
}  # fmt: skip


def test_every_french_message_agrees_with_a_count_of_one():
    """The demo's counts are what they are (1 is rare): each French message is read with every
    number in it set to 1, so that "%(skipped)s sont écartées" is caught whatever the data."""
    failures = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            text = PLACEHOLDER.sub(lambda m: "1" if m.group(1) in COUNTS else m.group(0), form)
            for pattern, rule in TYPOGRAPHY:
                if rule.startswith("a space"):
                    continue  # read on the pages, where the words around are known
                for match in pattern.finditer(text):
                    failures.append(f"{entry.msgid[:70]!r}: {match.group(0)!r} ({rule})")
    assert not failures, "French messages wrong for a count of 1:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_form_errors_about_an_email_address_are_french(client, org_a, member):
    """Django's own messages come from Django's French catalogue, which ours must not spoil."""
    client.force_login(member(org_a))
    invite = client.post(
        f"/o/{org_a.slug}/members/invite/", {"email": "not-an-address", "role": "reader"}
    )
    reset = Client().post("/accounts/password/reset/", {"email": "not-an-address"})
    for response in (invite, reset):
        assert response.status_code == 200
        lines = visible_lines(response.content.decode())
        assert "Saisissez une adresse de courriel valide." in lines
        assert not [problem for line in lines for problem in problems_in(line)], lines
