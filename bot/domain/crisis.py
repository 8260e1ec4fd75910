"""Safety net: spot crisis language in a youth's message and know which help lines to offer.

The detector only answers *whether* a configured phrase occurs and in which list; it never returns,
logs or keeps the message text. Matching is on whole words after normalisation (case, accents,
zero-width characters, leetspeak, stretched letters), so "ik ben doodmoe" does not hit a phrase "dood".
Multi-word phrases tolerate up to ``max_gap`` filler words between their words ("ik wil echt dood"),
but never a negation ("ik wil niet dood"). A word ending in ``*`` matches as a prefix ("zelfmoord*").
It errs on the side of caution: a false alarm costs a warm message with help lines, a miss costs more.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.values import (
    Lang,
    WebUrl,
)

__all__ = ["Lang"]

DEFAULT_PHRASES_NL: tuple[str, ...] = (
    "zelfmoord*",
    "zelfmord*",
    "wil dood",
    "wil doodgaan",
    "wil sterven",
    "wil niet meer leven",
    "wil nie meer leven",
    "wil niet verder leven",
    "wil niet meer verder leven",
    "wil er niet meer zijn",
    "wil er nie meer zijn",
    "wil hier niet meer zijn",
    "zie het niet meer zitten",
    "zie het nie meer zitten",
    "er een einde aan maken",
    "er een eind aan maken",
    "een einde aan mijn leven",
    "een eind aan mijn leven",
    "stoppen met leven",
    "verdwijnen voor altijd",
    "voor altijd verdwijnen",
    "beter af zonder mij",
    "beter af zonder mn",
    "leven heeft geen zin",
    "leven geen zin meer",
    "kan niet meer verder",
    "mezelf van kant maken",
    "mezelf doden",
    "mezelf ombrengen",
    "mezelf ophangen",
    "mezelf iets aandoen",
    "mezelf pijn doen",
    "doe mezelf pijn",
    "mezelf snijden",
    "mezelf gesneden",
    "ik snijd mezelf",
    "ik snij mezelf",
    "zelfbeschadiging",
    "automutilatie",
    "niet meer wakker worden",
    "niet meer wakker word",
)
DEFAULT_PHRASES_EN: tuple[str, ...] = (
    "suicid*",
    "suicde",
    "sucide",
    "kill myself",
    "kill herself",
    "kill himself",
    "kill themselves",
    "kms",
    "want* to die",
    "wanna die",
    "wish i was dead",
    "wish i were dead",
    "end my life",
    "end it all",
    "going to end it",
    "gonna end it",
    "dont want to live",
    "dont want to be alive",
    "dont want to be here",
    "no reason to live",
    "better off dead",
    "better off without me",
    "disappear forever",
    "cant go on",
    "done with life",
    "stop living",
    "wont be here tomorrow",
    "unalive myself",
    "hurt myself",
    "cut myself",
    "cutting myself",
    "self harm*",
)

# Everyday phrases that contain a crisis word but are not a crisis: taken out before matching.
DEFAULT_NOT_CRISIS: tuple[str, ...] = (
    "zelfmoordlijn",
    "zelfmoordpreventie",
    "suicide prevention",
    "suicide hotline",
    "suicide squad",
    "dood graag",
)

# Filler words that may not sit inside a gapped phrase: they turn its meaning around.
_GAP_BLOCKERS = ("niet", "geen", "nooit", "not", "never", "no", "dont", "didnt", "wont", "cant")
_APOSTROPHES = "'’‘`´ʼ"  # dropped, so "don't" is "dont"; of these only ' and ` are ASCII
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_SEPARATORS = re.compile(r"[^0-9a-z*]+")
_REPEATS = re.compile(r"(.)\1+")
_HAS_LETTER = re.compile(r"[a-z]")
_PLAIN = re.compile(r"[0-9a-z ]*")
_LEET_CHAR = re.compile(r"[013457@$]")
_SHORT_ABBREVIATION = 3


def _squeeze(word: str) -> str:
    """Collapse repeated letters: "doooood" and "dood" both become "dod"; used on both sides of a match."""
    return _REPEATS.sub(r"\1", word)


def normalize_words(text: str, *, keep_star: bool = False) -> list[str]:
    """Words of ``text`` casefolded, without accents, format characters, apostrophes or punctuation."""
    if text.isascii():  # the common case: no format characters, accents or case beyond A-Z to undo
        text = text.replace("'", "").replace("`", "").lower()  # the ASCII ones of the _APOSTROPHES
    else:
        text = unicodedata.normalize("NFKD", text.translate(_INVISIBLE)).translate(_COMBINING).casefold()
    if _LEET_CHAR.search(text):  # leetspeak is undone in chunks with a letter ("z3lfm00rd", not "10")
        text = " ".join(chunk.translate(_LEET) if _HAS_LETTER.search(chunk) else chunk for chunk in text.split())
    if not keep_star:
        text = text.replace("*", " ")
    # Squeezed once for the whole text: a repeat never spans two words (separators are never word characters).
    text = _squeeze(text)
    if _PLAIN.fullmatch(text):  # only letters, digits and spaces: the words are what is between the spaces
        return text.split()
    return [word for word in _SEPARATORS.split(text) if word.strip("*")]


class _DropTable(dict[int, str | None]):
    """A ``str.translate`` table that drops the characters ``drop`` picks, deciding each character once."""

    def __init__(self, drop: Callable[[str], bool], extra: Iterable[str] = ()) -> None:
        super().__init__(dict.fromkeys(map(ord, extra)))
        self._drop = drop

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        kept = None if self._drop(char) else char
        if len(self) < _MAX_REMEMBERED:
            self[code] = kept
        return kept


_MAX_REMEMBERED = 50_000
_INVISIBLE = _DropTable(lambda char: unicodedata.category(char) == "Cf", extra=_APOSTROPHES)
_COMBINING = _DropTable(lambda char: unicodedata.combining(char) != 0)


def _join(first: str, second: str) -> str:
    """Two squeezed neighbours written as one word, squeezed ("zelf" + "fmoord" is "zelfmoord")."""
    return first + second[1:] if first[-1] == second[0] else first + second


@dataclass(frozen=True, slots=True)
class _Word:
    stem: str
    prefix: bool

    def accepts(self, word: str) -> bool:
        return word.startswith(self.stem) if self.prefix else word == self.stem


Pattern = tuple[_Word, ...]


def compile_phrase(phrase: str) -> tuple[Pattern, ...]:
    """A phrase and its compound spellings ("self harm" also as "selfharm"); ValueError if it has no words."""
    words = tuple(_Word(w.rstrip("*"), w.endswith("*")) for w in normalize_words(phrase, keep_star=True))
    if not words:
        raise ValueError(f"crisis phrase {phrase!r} has no words after normalisation")
    variants = [words]
    for i in range(len(words) - 1):
        if not words[i].prefix:
            joined = _Word(_squeeze(words[i].stem + words[i + 1].stem), words[i + 1].prefix)
            variants.append((*words[:i], joined, *words[i + 2 :]))
    return tuple(variants)


@dataclass(frozen=True, slots=True)
class CrisisMatch:
    """Which list matched. Deliberately holds nothing of the message itself."""

    language: Lang


class CrisisDetector:
    """Whole-word phrase matcher over two phrase lists (Dutch and English)."""

    def __init__(
        self,
        phrases_nl: Iterable[str] = DEFAULT_PHRASES_NL,
        phrases_en: Iterable[str] = DEFAULT_PHRASES_EN,
        *,
        max_gap: int = 2,
        not_crisis: Iterable[str] = DEFAULT_NOT_CRISIS,
    ) -> None:
        if max_gap < 0:
            raise ValueError("max_gap must be 0 or more")
        self.max_gap = max_gap
        self._not_crisis = tuple(tuple(normalize_words(phrase)) for phrase in not_crisis if normalize_words(phrase))
        self._everyday_firsts = frozenset(phrase[0] for phrase in self._not_crisis)
        self._lists: tuple[tuple[Lang, tuple[Pattern, ...]], ...] = (
            ("nl", _compile_all(phrases_nl)),
            ("en", _compile_all(phrases_en)),
        )
        self._blockers = frozenset(_squeeze(word) for word in _GAP_BLOCKERS)
        # Each pattern filed under one whole word it needs (its longest): a message only tries the patterns
        # filed under its own words, plus the few made of prefixes alone.
        self._index = tuple(_anchor_index(patterns) for _, patterns in self._lists)
        # A message can only match when one of its tokens is some pattern's anchor word or starts with the
        # first stem of a pattern made of prefixes alone: one set and one prefix test turn most messages away.
        self._anchors = frozenset(stem for anchored, _ in self._index for stem in anchored)
        lists = zip(self._lists, self._index, strict=True)
        self._prefix_stems = tuple({patterns[i][0].stem for (_, patterns), (_, loose) in lists for i in loose})

    def matches(self, text: str) -> CrisisMatch | None:
        """The first list (Dutch, then English) with a phrase in ``text``, else None."""
        words = self._without_everyday(normalize_words(text))
        if not words:
            return None
        # every word, and every two neighbours written as one ("zelf moord"), computed once per message
        joined = [_join(first, second) for first, second in itertools.pairwise(words)]
        tokens = frozenset(words) | frozenset(joined)
        if self._anchors.isdisjoint(tokens) and not any(token.startswith(self._prefix_stems) for token in tokens):
            return None
        for (language, patterns), (anchored, unanchored) in zip(self._lists, self._index, strict=True):
            tried = sorted({*unanchored, *(i for token in tokens for i in anchored.get(token, ()))})
            for pattern in (patterns[i] for i in tried):
                if all(_possible(word, tokens) for word in pattern) and self._found(words, joined, pattern):
                    return CrisisMatch(language)
        return None

    def _without_everyday(self, words: list[str]) -> list[str]:
        """``words`` with every everyday phrase ("zelfmoordlijn", "dood graag") replaced by a neutral word."""
        if self._everyday_firsts.isdisjoint(words):
            return words
        for phrase in self._not_crisis:
            size = len(phrase)
            for pos in range(len(words) - size + 1):
                if tuple(words[pos : pos + size]) == phrase:
                    words[pos : pos + size] = ["_"] * size
        return words

    def _found(self, words: Sequence[str], joined: Sequence[str], pattern: Pattern) -> bool:
        for pos in range(len(words)):
            for after in _word_at(words, joined, pos, pattern[0]):
                if len(pattern) == 1 and self._abbreviation_of_number(words, pos, pattern[0]):
                    continue
                if self._rest(words, joined, after, pattern, 1):
                    return True
        return False

    def _rest(self, words: Sequence[str], joined: Sequence[str], pos: int, pattern: Pattern, index: int) -> bool:
        if index == len(pattern):
            return True
        for gap in range(self.max_gap + 1):
            start = pos + gap
            if start >= len(words):
                return False
            if gap and words[start - 1] in self._blockers:
                return False
            for after in _word_at(words, joined, start, pattern[index]):
                if self._rest(words, joined, after, pattern, index + 1):
                    return True
        return False

    @staticmethod
    def _abbreviation_of_number(words: Sequence[str], pos: int, word: _Word) -> bool:
        """A distance ("10 kms") is not "kms": short one-word phrases right after a number don't count."""
        return len(word.stem) <= _SHORT_ABBREVIATION and pos > 0 and words[pos - 1].isdigit()


def _word_at(words: Sequence[str], joined: Sequence[str], pos: int, word: _Word) -> list[int]:
    """Positions right after ``word`` matched at ``pos``: as one word, or split in two ("zelf moord")."""
    ends = [pos + 1] if word.accepts(words[pos]) else []
    if pos < len(joined) and word.accepts(joined[pos]):
        ends.append(pos + 2)
    return ends


def _possible(word: _Word, tokens: frozenset[str]) -> bool:
    """Whether ``word`` can match anywhere in the message (a cheap test before the positional search)."""
    return any(token.startswith(word.stem) for token in tokens) if word.prefix else word.stem in tokens


def _anchor_index(patterns: Sequence[Pattern]) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Pattern positions by the longest whole word each needs, and those that need only prefixes."""
    anchored: dict[str, list[int]] = {}
    unanchored: list[int] = []
    for index, pattern in enumerate(patterns):
        whole = [word.stem for word in pattern if not word.prefix]
        if whole:
            anchored.setdefault(max(whole, key=len), []).append(index)
        else:
            unanchored.append(index)
    return {stem: tuple(found) for stem, found in anchored.items()}, tuple(unanchored)


def _compile_all(phrases: Iterable[str]) -> tuple[Pattern, ...]:
    return tuple(variant for phrase in phrases for variant in compile_phrase(phrase))


class HelpLine(BaseModel):
    """A help line offered to youths; numbers and texts are configuration, not code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    number: str = Field(min_length=1)
    text_nl: str = Field(min_length=1)
    text_en: str = Field(min_length=1)
    hours: str = Field(min_length=1)
    url: WebUrl | None = None

    def text(self, lang: Lang) -> str:
        return self.text_nl if lang == "nl" else self.text_en


DEFAULT_HELP_LINES: tuple[HelpLine, ...] = (
    HelpLine(
        name="Zelfmoordlijn 1813",
        number="1813",
        text_nl="Denk je aan zelfmoord? Praat anoniem en gratis met iemand, ook 's nachts. Bel of chat.",
        text_en="Thinking about suicide? Talk to someone, free and anonymous, also at night. Call or chat.",
        hours="24/7",
        url="https://www.zelfmoord1813.be",
    ),
    HelpLine(
        name="Awel",
        number="102",
        text_nl="Voor kinderen en jongeren: over alles wat je bezighoudt. Bellen, chatten of mailen.",
        text_en="For children and young people: about anything on your mind. Call, chat or mail.",
        hours="ma–za / Mon–Sat 16:00–22:00",
        url="https://www.awel.be",
    ),
    HelpLine(
        name="Tele-Onthaal",
        number="106",
        text_nl="Als je met iemand wil praten, dag en nacht. Anoniem.",
        text_en="If you want to talk to someone, day and night. Anonymous.",
        hours="24/7",
        url="https://www.tele-onthaal.be",
    ),
    HelpLine(
        name="112",
        number="112",
        text_nl="Direct gevaar? Bel de ambulance, brandweer of politie.",
        text_en="In danger right now? Call an ambulance, the fire service or the police.",
        hours="24/7",
        url=None,
    ),
)


class SafetyConfig(BaseModel):
    """Help lines and crisis phrases, as the deployment configures them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    help_lines: list[HelpLine] = Field(default_factory=lambda: list(DEFAULT_HELP_LINES), min_length=1)
    crisis_phrases_nl: list[str] = Field(default_factory=lambda: list(DEFAULT_PHRASES_NL), min_length=1)
    crisis_phrases_en: list[str] = Field(default_factory=lambda: list(DEFAULT_PHRASES_EN), min_length=1)
    max_gap: int = Field(default=2, ge=0, le=5)
    not_crisis: list[str] = Field(default_factory=lambda: list(DEFAULT_NOT_CRISIS))

    @field_validator("crisis_phrases_nl", "crisis_phrases_en")
    @classmethod
    def _check_phrases(cls, phrases: list[str]) -> list[str]:
        for index, phrase in enumerate(phrases):
            if not normalize_words(phrase, keep_star=True):
                raise ValueError(f"phrase {index} ({phrase!r}) has no words")
        return phrases

    def detector(self) -> CrisisDetector:
        return CrisisDetector(
            self.crisis_phrases_nl, self.crisis_phrases_en, max_gap=self.max_gap, not_crisis=self.not_crisis
        )


def format_help_lines(lines: Sequence[HelpLine], lang: Lang) -> str:
    """Help lines as a Discord-markdown list in one language (names and numbers need no translation)."""
    rendered = []
    for line in lines:
        head = f"**{line.name}**" if line.number in line.name else f"**{line.name}** {line.number}"
        link = f" <{line.url}>" if line.url else ""
        rendered.append(f"• {head} ({line.hours}): {line.text(lang)}{link}")
    return "\n".join(rendered)
