"""Message text normalisation for spam comparison: skeletons, link keys, emoji counts and similarity.

Three forms of a message, each cheaper to compare than the last:

* ``text``: NFKC, casefolded, every invisible and bidi character removed, look-alike letters mapped to ASCII
  with Unicode's confusables data (UTS #39, see :mod:`bot.domain.spam.confusables`), whitespace collapsed.
* ``skeleton``: ``text`` without markup, punctuation, accents and leet (``n0w`` → ``now``; ``l``/``1``/``|``
  all become ``i``), digit runs as ``#`` and leading/trailing number noise dropped, the message's link keys
  appended. ``"join now 123"``, ``"join now 456"`` and ``"JOIN  n0w 789!!"`` share one skeleton.
* ``links``/``invites``: link keys. A URL is its registered domain (``https://m.shop.example.co.uk/a?b``
  → ``example.co.uk``), so a changing path or tracking code behind one sentence changes nothing; every
  Discord invite, whatever its spelling, host or code, is ``discord.gg/*``: "an invite to another server".
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.domain.spam.confusables import confusable_table, registered_domain

__all__ = [
    "NormalizedContent",
    "count_emoji",
    "jaccard",
    "link_keys",
    "normalize",
    "shingles",
    "similarity",
    "skeleton",
]

MAX_SKELETON = 400
"""Skeletons are cut here so comparing two long messages stays cheap."""

# --- invisible characters -------------------------------------------------------------------------------
# Every format character (Unicode category Cf: zero-width space/joiners, LRM/RLM, every bidi embedding,
# override and isolate, word joiner, invisible operators, tag characters, BOM) plus the default-ignorable
# characters that are letters or marks and so look blank: fillers, variation selectors.
_BLANK_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),  # Mongolian variation selectors, vowel separator
    (0x3164, 0x3164),  # Hangul filler (a favourite "blank" character)
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
_STRIP_INVISIBLE = {
    **{cp: None for lo, hi in _BLANK_RANGES for cp in range(lo, hi + 1)},
    **{cp: None for cp in range(0x110000) if unicodedata.category(chr(cp)) == "Cf"},
    **{cp: " " for cp in range(0x80, 0x3001) if unicodedata.category(chr(cp)) == "Zs"},  # odd spaces
    0x2800: " ",  # Braille blank
}

# --- look-alikes: Unicode's own confusables.txt (UTS #39), as shipped by confusable_homoglyphs -------------
_CLEAN_TABLE = {**_STRIP_INVISIBLE, **confusable_table()}

# Leet is only safe in the skeleton (it would corrupt links and numbers in ``text``).
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s", "|": "i", "l": "i"})  # fmt: skip
_LEET_DIGITS = frozenset("013457")

# --- patterns ------------------------------------------------------------------------------------------------
_CUSTOM_EMOJI = re.compile(r"<a?:[A-Za-z0-9_~]{1,32}:\d{15,21}>")
_MARKUP = re.compile(r"<(?:@[!&]?\d+|#\d+|a?:[a-z0-9_~]{1,32}:\d+|t:-?\d+(?::[a-z])?|/[^<>:]{1,64}:\d+|id:\w+)>")
_WS = re.compile(r"\s+")

_DOT = r"(?:\s*(?:\.|,|\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\})\s*|\s+dot\s+|\s+)"
_SLASH = r"\s*[/\\]\s*"
_INVITE = re.compile(
    rf"(?:h\s*t\s*t\s*p\s*s?\s*:\s*/\s*/\s*)?(?:www{_DOT})?"
    rf"(?P<host>discord(?:app)?{_DOT}com{_SLASH}invite|discord{_DOT}(?:gg|io|me|li|plus)|(?:dsc|invite){_DOT}gg)"
    rf"{_SLASH}(?P<code>[a-z0-9](?:[a-z0-9-]{{0,30}}[a-z0-9])?)(?:[/?#][^\s<>]*)?"
)
_TLDS = (
    "com|net|org|gg|io|ly|me|co|xyz|ru|info|biz|tv|app|dev|site|online|shop|store|club|top|be|nl|fr|de|"
    "uk|eu|us|gifts?|live|fun|link|click|pw|cc|to|sh|gl|im|ws|su|tk|ml|ga|cf|gq|win|bid|icu|pro"
)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'`]+"
    r"|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")\b(?:[/?#][^\s<>\"'`]*)?"
)
_URL_TRAILING = ".,;:!?)]}'\"*_~|>"
INVITE_KEY = "discord.gg/*"
"""Every Discord invite, whatever its spelling, host or code: "an invite to another server"."""
_HOST_ALIASES = {"youtu.be": "youtube.com"}

_EMOJI_BASE = (
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55"
    "\u231a\u231b\u2328\u23cf\u23e9-\u23f3\u23f8-\u23fa\u3030\u303d\u3297\u3299]"
)
_EMOJI_MOD = "(?:[\U0001f3fb-\U0001f3ff]|\ufe0f|\u20e3)*"
_EMOJI = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}|" + _EMOJI_BASE + _EMOJI_MOD + "(?:\u200d" + _EMOJI_BASE + _EMOJI_MOD + ")*"
)

_EDGE_PUNCT = string.punctuation + "¡¿«»“”„‘’‚…·•–—"
_NON_WORD = re.compile(r"[\W_]+")
_REPEATS = re.compile(r"(.)\1{2,}")
_PLAIN_WORDS = re.compile(r"[a-z \t\n\r\f\v]*")
_LEADING_DIGITS = re.compile(r"^\d{2,}")
_TRAILING_DIGITS = re.compile(r"\d{2,}$")


@dataclass(frozen=True, slots=True)
class NormalizedContent:
    """The comparable forms of one message."""

    text: str
    skeleton: str
    links: tuple[str, ...]
    """Canonical keys of every link, invites included, in order of appearance (repeats kept)."""
    invites: tuple[str, ...]
    emoji: int


def normalize(content: str) -> NormalizedContent:
    """Compute every comparable form of ``content`` in one pass."""
    emoji = count_emoji(content)
    text = _clean(content)
    body = _MARKUP.sub(" ", text)
    body, invites = _take_invites(body)
    body, others = _take_urls(body)
    links = invites + others
    return NormalizedContent(
        text=_WS.sub(" ", text).strip(),
        skeleton=_skeleton(body, links),
        links=links,
        invites=invites,
        emoji=emoji,
    )


def skeleton(content: str) -> str:
    """The skeleton of ``content`` (see the module docstring)."""
    return normalize(content).skeleton


def link_keys(content: str) -> tuple[str, ...]:
    """Canonical keys of every link in ``content``."""
    return normalize(content).links


def count_emoji(content: str) -> int:
    """Unicode emoji (a ZWJ sequence, a flag or a skin-toned emoji counts once) plus custom ``<:name:id>``."""
    custom = len(_CUSTOM_EMOJI.findall(content))
    if content.isascii():
        return custom
    return custom + len(_EMOJI.findall(content))


def shingles(skel: str, n: int = 3) -> frozenset[str]:
    """Character ``n``-grams of a skeleton, padded so word edges count."""
    padded = f" {skel} "
    if len(padded) <= n:
        return frozenset((padded,))
    return frozenset(padded[i : i + n] for i in range(len(padded) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard index of two shingle sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def similarity(a: str, b: str) -> float:
    """How nearly the same two skeletons are: character-3-gram Jaccard, 1.0 for equal skeletons."""
    if a == b:
        return 1.0
    return jaccard(shingles(a), shingles(b))


# --- internals ------------------------------------------------------------------------------------------------
def _clean(content: str) -> str:
    text = content.translate(_STRIP_INVISIBLE)
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold().translate(_CLEAN_TABLE)


def _take_invites(text: str) -> tuple[str, tuple[str, ...]]:
    if "dsc" not in text and "discord" not in text and "invite" not in text:
        return text, ()
    keys: list[str] = []

    def keep(match: re.Match[str]) -> str:
        keys.append(INVITE_KEY)
        return " "

    return _INVITE.sub(keep, text), tuple(keys)


def _take_urls(text: str) -> tuple[str, tuple[str, ...]]:
    if "." not in text:
        return text, ()
    keys: list[str] = []

    def keep(match: re.Match[str]) -> str:
        key = _url_key(match[0])
        if key is None:
            return match[0]
        keys.append(key)
        return " "

    return _URL.sub(keep, text), tuple(keys)


def _url_key(raw: str) -> str | None:
    """A URL as its registered domain (``https://m.sub.example.co.uk/x?y`` → ``example.co.uk``)."""
    raw = raw.rstrip(_URL_TRAILING)
    if not raw.startswith(("http://", "https://")):
        raw = "http://" + raw
    try:
        host = urlsplit(raw).hostname or ""
    except ValueError:
        return None
    if "." not in host:
        return None
    domain = registered_domain(host)
    return _HOST_ALIASES.get(domain, domain)


def _skeleton(body: str, links: tuple[str, ...]) -> str:
    if not links and _PLAIN_WORDS.fullmatch(body):  # the common case: lowercase words and spaces only
        return _REPEATS.sub(r"\1\1", " ".join(body.split()))[:MAX_SKELETON]
    return _skeleton_of_tokens(body, links)


def _skeleton_of_tokens(body: str, links: tuple[str, ...]) -> str:
    """The skeleton built token by token (numbers, leet, punctuation and links taken into account)."""
    if not body.isascii():
        body = "".join(c for c in unicodedata.normalize("NFKD", body) if not unicodedata.combining(c))
    words: list[str] = []
    for token in body.split():
        for word in _skeleton_words(token):
            if word != "#" or (words and words[-1] != "#"):
                words.append(word)
    while words and words[0] == "#":
        words.pop(0)
    while words and words[-1] == "#":
        words.pop()
    words.extend(_NON_WORD.sub("", key) for key in links)
    return " ".join(words)[:MAX_SKELETON]


def _skeleton_words(token: str) -> list[str]:
    """One whitespace token as skeleton words: numbers become ``#``, leet is undone, punctuation dropped."""
    token = token.strip(_EDGE_PUNCT)
    if token.isalpha():  # the common case: a plain word
        return [_REPEATS.sub(r"\1\1", token.translate(_LEET))]
    if not token:
        return []
    if not any(c.isalpha() for c in token):
        return ["#"] if any(c.isdigit() for c in token) else []
    head: list[str] = []
    tail: list[str] = []
    if any(c.isdigit() for c in token):
        lead = _LEADING_DIGITS.search(token)
        if lead and _is_number(lead[0]):
            token, head = token[lead.end() :], ["#"]
        trail = _TRAILING_DIGITS.search(token)
        if trail and _is_number(trail[0]):
            token, tail = token[: trail.start()], ["#"]
        if any(c.isdigit() and c not in _LEET_DIGITS for c in token):
            return ["#"]  # a random tag such as "x7f2"
    word = _REPEATS.sub(r"\1\1", _NON_WORD.sub("", token.translate(_LEET)))
    return [*head, word, *tail] if word else [*head, *tail]


def _is_number(digits: str) -> bool:
    """A digit run at a word's edge is a number ("abc123") unless it reads as leet ("fr33")."""
    return len(digits) >= 4 or any(c not in _LEET_DIGITS for c in digits)
