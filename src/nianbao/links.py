"""The one link policy of everything nianbao publishes: the HTML page, the PDF and the Word file, of a
report and of the district summary alike.

A link in a published document goes out to the Web or to a mail address: `http://` and `https://` with a
host, and `mailto:` with an address. Anything else a narrative, a category name or a profile field could
carry into a Markdown link — `javascript:`, `data:`, `file:`, a relative path (`../../../etc/passwd`),
a path on this server, an empty link `[点此]()` — is no link: the renderers show its text, unlinked.
The index's links to the pages it lists are the one other kind (`beside`): relative paths below the index's
folder, written by nianbao itself, allowed only on that page.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
SCHEMES = WEB_SCHEMES | {"mailto"}
# What never belongs in an address: spaces, control characters, quotes, angle brackets and backslashes
# (which browsers read as `/`, so `http:\\host` would reach a host the address does not show).
UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\"'<>\\`]")
MAIL_ADDRESS = re.compile(r"[^@?#/]+@[^@?#/]+\.[^@?#/]+")
# A host's name (`www.smsy.gov.cn`, `例子.中国`; Markdown percent-encodes what is not ASCII): letters,
# digits, `-` and dots, so the link goes to the host the address shows.
HOST = re.compile(r"[\w.-]+")
# A web address as a clerk types it in a profile and a report prints it (the website, the portal):
# `www.smsy.gov.cn` or `http(s)://…`, a host of dotted names, a port and a path.
PRINTED = re.compile(r"(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/[^\s<>\"'`]*)?")
# A web address in running text, for the page to mark (it may break anywhere there): it ends at a space,
# a tag or Chinese punctuation (the address in “网站”（http://…）下载 ends at the bracket).
IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>\"（）()“”，。；：、]+", re.IGNORECASE)


def outside(address: str | None) -> str | None:
    """`address` if a published document may link to it, else None (its text is shown unlinked)."""
    if not address or UNSAFE.search(address):
        return None
    try:
        parts = urlsplit(address)
        host = parts.hostname
    except ValueError:  # an address urllib cannot split (`http://[::1`)
        return None
    scheme = parts.scheme.lower()
    if scheme in WEB_SCHEMES:
        return address if host and HOST.fullmatch(unquote(host)) else None
    if scheme == "mailto":
        return address if MAIL_ADDRESS.fullmatch(parts.path) else None
    return None


def printed(address: str) -> bool:
    """Whether `address` is a web address as printed (`PRINTED`, the scheme optional) that a published
    document may also link to (`outside`, with `http://` where the scheme is left out)."""
    if not PRINTED.fullmatch(address):
        return False
    return outside(address_of(address)) is not None


def address_of(printed: str) -> str:
    """Where a web address as printed goes: itself, with `http://` where the clerk left the scheme out
    (`www.smsy.gov.cn` → `http://www.smsy.gov.cn`), as a browser takes it."""
    return printed if "://" in printed else f"http://{printed}"


def beside(address: str) -> bool:
    """A relative link to a file in or below the page's folder (`shili/2021/report.html`): what the index
    links to. Never upwards (`..`), never from the server's root or another host, never a scheme."""
    if not address or UNSAFE.search(address):
        return False
    try:
        parts = urlsplit(address)
    except ValueError:
        return False
    if parts.scheme or parts.netloc or address.startswith("/"):
        return False
    return ".." not in parts.path.split("/") and ":" not in parts.path.split("/")[0]
