"""Message text normalisation for spam comparison: skeletons, link keys, emoji counts and similarity.

Three forms of a message, each cheaper to compare than the last:

* ``text``: NFKC, casefolded, invisible characters removed, look-alike letters mapped to ASCII,
  whitespace collapsed.
* ``skeleton``: ``text`` without markup, punctuation, accents and leet (``n0w`` → ``now``; ``l``/``1``/``|``
  all become ``i``), digit runs as ``#`` and leading/trailing number noise dropped, the message's link keys
  appended. ``"join now 123"``, ``"join now 456"`` and ``"JOIN  n0w 789!!"`` share one skeleton.
* ``links``/``invites``: canonical link keys (host + path, lowercased, tracking parameters removed);
  every spelling of one Discord invite gives ``discord.gg/<code>``.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

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
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),
    (0x180E, 0x180E),
    (0x200B, 0x200F),  # zero-width space/non-joiner/joiner, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x2069),
    (0x3164, 0x3164),  # Hangul filler (a favourite "blank" character)
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero-width no-break space / BOM
    (0xFFA0, 0xFFA0),
    (0xE0000, 0xE007F),  # tag characters
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
_STRIP_INVISIBLE = {cp: None for lo, hi in _INVISIBLE_RANGES for cp in range(lo, hi + 1)}

# --- look-alikes (applied after NFKC + casefold, so lowercase forms suffice) -------------------------------
_CONFUSABLES: dict[str, str | int | None] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ь": "b", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y", "ҽ": "e", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "σ": "o", "ς": "c", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "μ": "u", "ϲ": "c", "ϳ": "j",
    # Armenian
    "օ": "o", "ս": "u", "ո": "n", "հ": "h", "ց": "g",
    # Latin small capitals and other look-alikes NFKC leaves alone
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ғ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j",
    "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u",
    "ᴠ": "v", "ᴡ": "w", "ꜰ": "f", "ʏ": "y", "ᴢ": "z", "ɑ": "a", "ı": "i", "ȷ": "j", "ɩ": "i", "ø": "o", "đ": "d",
    "ł": "l", "ħ": "h", "ŧ": "t",
}  # fmt: skip
_CLEAN_TABLE = {**_STRIP_INVISIBLE, **str.maketrans(_CONFUSABLES)}

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
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "igshid", "si", "feature", "ref", "ref_src", "mc_cid",
                              "mc_eid", "s", "share_id", "spm", "yclid", "_ga"})  # fmt: skip

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
        host = re.sub(r"[^a-z]+", ".", match["host"].replace("dot", "."))
        if host.endswith(".invite") or host == "discord.gg":
            host = "discord.gg"
        keys.append(f"{host}/{match['code']}")
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
    raw = raw.rstrip(_URL_TRAILING)
    if not raw.startswith(("http://", "https://")):
        raw = "http://" + raw
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
    except ValueError:
        return None
    host = host.removeprefix("www.").removeprefix("m.")
    if "." not in host:
        return None
    path = parts.path.rstrip("/").lower()
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    if host == "youtu.be" and len(path) > 1:
        host, path, query = "youtube.com", "/watch", [("v", path[1:]), *query]
    encoded = urlencode(sorted(query)).lower()
    return host + path + ("?" + encoded if encoded else "")


def _is_tracking(param: str) -> bool:
    return param.startswith("utm_") or param in _TRACKING_PARAMS


def _skeleton(body: str, links: tuple[str, ...]) -> str:
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
