"""Unicode's own data for folding text before it is compared, and registered domains from a bundled snapshot.

* Look-alikes: UTS #39 ``confusables.txt`` as shipped by ``confusable_homoglyphs`` (its ``confusables.json``
  is generated from that file). A character is folded to the ASCII letter or digit it is confusable with
  (following at most two hops, as the data lists both directions), which is the skeleton of UTS #39 for the
  Latin targets that spam imitates.
* Registered domains: ``tldextract`` with its bundled Public Suffix List snapshot only — ``suffix_list_urls=()``
  and no cache directory, so nothing is ever fetched from the network or written to disk.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from importlib import resources

import tldextract

__all__ = ["confusable_table", "registered_domain"]

_ASCII_TARGETS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_SMALL_CAPITAL = "LATIN LETTER SMALL CAPITAL "
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def _data() -> dict[str, list[dict[str, str]]]:
    text = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    data: dict[str, list[dict[str, str]]] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def confusable_table() -> dict[int, str]:
    """``str.translate`` table: every non-ASCII character confusable with an ASCII letter or digit → that one.

    Applied after NFKC and casefolding, so targets are lowercase; a letter is preferred over a digit."""
    data = _data()

    def direct(char: str) -> list[str]:
        targets = (_bare(e["c"]).lower() for e in data.get(char, ()))
        return [c for c in targets if len(c) == 1]

    table: dict[int, str] = {}
    for cp in range(0x80, 0x20000):
        # Small capitals are prototypes of their own in UTS #39; their Unicode names say which letter they are.
        name = unicodedata.name(chr(cp), "")
        if name.startswith(_SMALL_CAPITAL) and len(name) == len(_SMALL_CAPITAL) + 1:
            table[cp] = name[-1].lower()
    for char in data:
        if len(char) != 1 or char.isascii():
            continue
        found = [c for c in direct(char) if c in _ASCII_TARGETS]
        if not found:
            found = [c for hop in direct(char) if not hop.isascii() for c in direct(hop) if c in _ASCII_TARGETS]
        if found:
            letters = [c for c in found if c.isalpha()]
            table[ord(char)] = (letters or found)[0]
    return table


def _bare(text: str) -> str:
    """A target without its combining marks (``n̩`` → ``n``)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def registered_domain(host: str) -> str:
    """``m.sub.example.co.uk`` → ``example.co.uk``; a host without a known public suffix stays as it is."""
    host = host.lower().rstrip(".")
    parts = _EXTRACT(host)
    return parts.top_domain_under_public_suffix or host
