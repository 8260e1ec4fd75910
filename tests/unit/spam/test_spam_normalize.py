"""Normalisation: skeletons, link keys, emoji counts and similarity."""

from __future__ import annotations

import random

import pytest

from bot.domain.spam.confusables import confusable_table, registered_domain
from bot.domain.spam.normalize import (
    INVITE_KEY,
    _skeleton,
    _skeleton_of_tokens,
    count_emoji,
    link_keys,
    normalize,
    similarity,
    skeleton,
)


@pytest.mark.parametrize(
    "variant",
    [
        "join now 123",
        "join now 456",
        "JOIN  n0w 789!!",
        "Join\u200b now\u2060 1",
        "ｊｏｉｎ　ｎｏｗ　９９",
        "𝐣𝐨𝐢𝐧 𝐧𝐨𝐰",
        "jоin nоw 31",  # Cyrillic о
        "join now x7f2",
        "  join\n\tnow!!! ",
    ],
)
def test_variants_share_one_skeleton(variant: str) -> None:
    assert skeleton(variant) == "join now"


@pytest.mark.parametrize(
    "variant",
    [
        "free nitro",
        "FREE NITRO",
        "fr\u200bee ni\u200dtro\ufeff",
        "frее nitro",  # Cyrillic е twice
        "ϝree ηitro".replace("ϝ", "f"),  # Greek eta
        "ꜰʀᴇᴇ ɴɪᴛʀᴏ",
        "fr33 n1tr0",
        "free, nitro!",
        "frééé nitro",
    ],
)
def test_evasions_fold_to_free_nitro(variant: str) -> None:
    assert skeleton(variant) == "free nitro"


def test_skeleton_drops_markup_and_keeps_links_at_the_end() -> None:
    assert skeleton("<@123456> look at <#987> <:pog:123456789012345678> discord.gg/AbC now") == (
        "iook at now discordgg"
    )
    assert skeleton("hahahahaha") == "hahahahaha"
    assert skeleton("niiiiiice") == "niice"


@pytest.mark.parametrize(
    "text",
    [
        "discord.gg/FreeNitro",
        "https://discord.gg/freenitro",
        "https://discord.gg/freenitro/",
        "http://www.discord.gg/FREENITRO",
        "discord.com/invite/freenitro",
        "https://discordapp.com/invite/freenitro?utm_source=spam&event=1",
        "discord . gg / freenitro",
        "discord[.]gg/freenitro",
        "discord(dot)gg/freenitro",
        "discord gg/freenitro",
        "dіscord.gg/freenitro",  # Cyrillic і
        "d\u200biscord.g\u200bg/freenitro",
        "come [here](https://discord.gg/freenitro) now",
        "<https://discord.gg/freenitro>",
    ],
)
def test_invite_spellings_give_one_key(text: str) -> None:
    norm = normalize(text)
    assert norm.invites == (INVITE_KEY,)
    assert norm.links == (INVITE_KEY,)


@pytest.mark.parametrize("code", ["freenitro", "AbC123", "x-y-z", "q9"])
def test_every_invite_code_is_an_invite_to_another_server(code: str) -> None:
    assert normalize(f"join discord.gg/{code} now").invites == (INVITE_KEY,)
    assert skeleton(f"JOIN discord.gg/{code} NOW") == skeleton("join https://discord.com/invite/other now")


@pytest.mark.parametrize(
    "text",
    [
        "\u202efree nitro\u202c",  # right-to-left override
        "free\u2066 nitro\u2069",  # bidi isolates
        "free\u180e nitro",  # Mongolian vowel separator
        "f\u00adree nit\u034fro",  # soft hyphen, grapheme joiner
        "free\U000e0041 nitro",  # a tag character
        "free\u2800nitro",  # Braille blank as a space
    ],
)
def test_invisible_and_bidi_characters_are_stripped(text: str) -> None:
    assert skeleton(text) == "free nitro"


@pytest.mark.parametrize("text", ["ꜰʀᴇᴇ ɴɪᴛʀᴏ", "𝖋𝖗𝖊𝖊 𝖓𝖎𝖙𝖗𝖔", "ƒrее ոitrօ", "ḟṙėė ṅïṫṙö"])
def test_look_alikes_from_other_scripts_fold_with_unicode_data(text: str) -> None:
    assert skeleton(text) == "free nitro"


def test_look_alike_folding_comes_from_confusables_data_not_a_hand_table() -> None:
    table = confusable_table()
    assert len(table) > 1000  # far more than any hand-kept list
    assert table[ord("а")] == "a" and table[ord("ѕ")] == "s" and table[ord("ο")] == "o"


def test_third_party_invite_and_ordinary_links() -> None:
    assert link_keys("dsc.gg/party and dsc . gg / party") == (INVITE_KEY, INVITE_KEY)
    assert link_keys("https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=XyZ&utm_campaign=a") == ("youtube.com",)
    assert link_keys("https://youtu.be/dQw4w9WgXcQ?si=1") == ("youtube.com",)
    assert link_keys("zie example.be/Agenda/ en https://m.example.com/a?b=2&a=1#x") == ("example.be", "example.com")
    assert normalize("https://example.com/x").invites == ()


@pytest.mark.parametrize(
    "url",
    ["robux-gift.xyz/claim?id=1", "https://a.robux-gift.xyz/c/77", "http://WWW.Robux-Gift.xyz", "robux-gift.xyz/x9"],
)
def test_urls_compare_by_registered_domain(url: str) -> None:
    assert link_keys(url) == ("robux-gift.xyz",)
    assert link_keys("https://school.smartschool.co.uk/les/3") == ("smartschool.co.uk",)


def test_registered_domain_never_fetches_the_suffix_list(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("no network at run time")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    registered_domain.cache_clear()
    assert registered_domain("deep.sub.example.com.au") == "example.com.au"


@pytest.mark.parametrize("text", ["end. Next time at 5.30", "ok...so what", "e.g. this", "3.14 is pi", "a/b"])
def test_ordinary_sentences_have_no_links(text: str) -> None:
    assert link_keys(text) == ()


def test_emoji_counting() -> None:
    assert count_emoji("🎉🎉🎉 <:pog:123456789012345678> <a:dance:123456789012345678>") == 5
    assert count_emoji("👍🏽 👨\u200d👩\u200d👧 🇧🇪 ❤️") == 4
    assert count_emoji("no emoji here :) <3") == 0
    assert normalize("😂😂😂😂😂😂😂😂 hahaha").emoji == 8


def test_similarity_of_variants_and_of_unrelated_text() -> None:
    base = skeleton("FREE NITRO for everyone, click discord.gg/abc now")
    assert similarity(base, skeleton("free nitro for everyone click discord.gg/abc now!! 123")) == 1.0
    assert similarity(base, skeleton("free nitro for everyone bro, click discord.gg/abc now")) >= 0.6
    assert similarity(skeleton("raid raid this server is dead lol"), skeleton("raid raid this server is dead")) >= 0.6
    assert similarity(base, skeleton("does anyone know when the office hours start tomorrow?")) < 0.2
    assert similarity(skeleton("hahaha"), skeleton("wie wil er morgen fortnite spelen")) < 0.1
    assert similarity("", "") == 1.0


def test_the_plain_words_fast_path_builds_the_same_skeleton_as_the_token_path() -> None:
    rng = random.Random(5)
    for _ in range(2_000):
        body = "".join(rng.choices("abcoooeeez  \n\t", k=rng.randint(0, 60)))
        assert _skeleton(body, ()) == _skeleton_of_tokens(body, ())
