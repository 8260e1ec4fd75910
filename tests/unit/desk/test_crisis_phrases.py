"""Recall and precision of the default crisis phrases on real-life phrasings and everyday look-alikes.

The lists are the yardstick for any change to `[safety]`: every real-life phrasing must be caught (a youth in
crisis must never go unanswered), and the few everyday sentences still caught are named, so a new false
alarm is a conscious choice.
"""

from __future__ import annotations

from bot.domain.crisis import SafetyConfig

CRISIS_NL = [
    "ik wil niet meer leven",
    "ik wil echt niet meer leven",
    "ik wil dood",
    "ik wil gewoon dood",
    "ik wil er niet meer zijn",
    "ik wil hier niet meer zijn",
    "ik zie het niet meer zitten",
    "ik zie het echt niet meer zitten",
    "ik wil er een einde aan maken",
    "ik ga er een einde aan maken",
    "ik wil een einde aan mijn leven maken",
    "ik denk aan zelfmoord",
    "zelfmoordgedachten",
    "ik wil mezelf van kant maken",
    "ik wil mezelf iets aandoen",
    "ik doe mezelf pijn",
    "ik snijd mezelf",
    "ik snij mezelf weer",
    "ik heb mezelf gesneden",
    "ik wil mezelf ophangen",
    "ik wil niet meer wakker worden",
    "ik hoop dat ik niet meer wakker word",
    "iedereen is beter af zonder mij",
    "het leven heeft geen zin meer",
    "mijn leven heeft geen zin",
    "ik kan niet meer verder",
    "ik wil stoppen met leven",
    "ik wil verdwijnen voor altijd",
    "ik wil sterven",
    "ik wil dood gaan",
    "ik wil doodgaan",
    "ik wil niet meer verder leven",
    "mn vriendin wil zelfmoord plegen",
    "mijn vriend wil niet meer leven",
    "ze wil dood",
    "hij wil er een einde aan maken",
    "ik denk erover om mezelf te doden",
    "ik heb pillen gespaard om er een eind aan te maken",
    "ik wil er een eind aan maken",
    "zelfmord",
    "ik wil nie meer leven",
    "ik wil er nie meer zijn",
    "ik doe aan zelfbeschadiging",
]
CRISIS_EN = [
    "i want to die",
    "i really want to die",
    "i wanna die",
    "i want to kill myself",
    "im going to kill myself",
    "i'm gonna kill myself",
    "kms",
    "i dont want to live anymore",
    "i don't want to live anymore",
    "i dont want to be here anymore",
    "i don't want to be here anymore",
    "i dont want to be alive",
    "i want to end my life",
    "i want to end it all",
    "im going to end it",
    "i'm thinking about suicide",
    "suicidal thoughts",
    "i feel suicidal",
    "i want to hurt myself",
    "i cut myself again",
    "i've been cutting myself",
    "i self harm",
    "self-harm",
    "selfharm",
    "everyone would be better off without me",
    "i'd be better off dead",
    "there is no reason to live",
    "no reason to live anymore",
    "i want to disappear forever",
    "i wish i was dead",
    "i wish i were dead",
    "i want to unalive myself",
    "my friend wants to kill herself",
    "he wants to kill himself",
    "she wants to die",
    "i cant go on anymore",
    "i can't do this anymore i want to die",
    "i'm done with life",
    "i wanna end it all",
    "i want to stop living",
    "i wont be here tomorrow",
    "suicde",
    "kil myself",
]
EVERYDAY_NL = [
    "ik ga dood van het lachen",
    "ik ga dood van de honger",
    "ik ga dood van de verveling",
    "ik lag dood van het lachen",
    "ik wil niet meer naar school vandaag",
    "ik wil er morgen wel zijn hoor",
    "ik zie het wel zitten",
    "ik zie het helemaal zitten",
    "ik wil een einde aan die ruzie maken",
    "de film had een raar einde",
    "mijn gsm is dood",
    "mijn batterij is dood",
    "dat spel is zo dood",
    "ik heb me gesneden aan papier",
    "ik snij de groenten",
    "ik heb pijn aan mijn been",
    "ik doe mijn best",
    "ik wil leven als een rockster",
    "leven is mooi",
    "ik wil niet meer wachten",
    "ik kan niet meer stoppen met lachen",
    "mijn oma is vorig jaar gestorven",
    "de plant is doodgegaan",
    "we moeten een einde maken aan pesten",
    "ik wil verdwijnen onder mijn dekentje",
    "ik ben doodop",
    "doodmoe na de training",
    "ik werd wakker om 7 uur",
    "ik wil niet meer wakker worden om 6 uur voor school haha",
    "zelfmoordlijn 1813 is er voor iedereen",
    "we hadden een les over zelfmoordpreventie",
    "ik wil dood graag naar dat concert",
    "dat is doodnormaal",
    "het is doodstil hier",
    "ik kill dat examen",
    "ik heb het niet meer zo koud",
    "ik wil er niet meer aan denken",
    "hij wil er een feestje van maken",
    "ik heb geen zin meer in huiswerk",
    "ik wil mezelf verbeteren",
]
EVERYDAY_EN = [
    "this homework kills me",
    "this homework is killing me",
    "i'm dying of laughter",
    "lol i'm dead",
    "i'm dead tired",
    "i could die for pizza",
    "my phone died",
    "my battery is dead",
    "that game is dead",
    "i cut my finger cooking",
    "i cut the cake",
    "i hurt my knee at football",
    "killing it today",
    "you killed it",
    "the movie had a sad ending",
    "i want to end this argument",
    "i don't want to be late",
    "i don't want to go to school",
    "i want to live in london",
    "life is good",
    "i want to be here tomorrow",
    "i can't wait anymore",
    "my grandma died last year",
    "the plant died",
    "we need to end bullying",
    "i'm so done with this test",
    "i want to disappear under my blanket",
    "deadline is tomorrow",
    "dead serious",
    "i'm killing time",
    "this song slaps so hard i'm dead",
    "suicide squad is a good movie",
    "we learned about suicide prevention",
    "i'd kill for a coffee",
    "i'm not going to kill you lol",
    "i'm going to kill this exam",
    "i self-studied for the test",
    "i want to stop playing",
    "i'm better off sleeping",
    "i'm over it",
]

DETECTOR = SafetyConfig().detector()
#: Caught although everyday: the detector errs on the side of caution.
KNOWN_FALSE_ALARMS = ["ik wil niet meer wakker worden om 6 uur voor school haha"]


def caught(sentences: list[str]) -> list[str]:
    return [s for s in sentences if DETECTOR.matches(s) is not None]


def test_lists_are_large_enough_to_mean_something() -> None:
    assert min(len(CRISIS_NL), len(CRISIS_EN), len(EVERYDAY_NL), len(EVERYDAY_EN)) >= 40


def test_every_real_life_phrasing_is_caught_in_both_languages() -> None:
    assert [s for s in CRISIS_NL if s not in caught(CRISIS_NL)] == []
    assert [s for s in CRISIS_EN if s not in caught(CRISIS_EN)] == []


def test_everyday_sentences_that_share_words_are_not_a_crisis() -> None:
    assert caught(EVERYDAY_NL) == KNOWN_FALSE_ALARMS
    assert caught(EVERYDAY_EN) == []
