"""Small, dependency-free English helpers: sentences, content words, phrase form and number.

These are heuristics tuned for plain-language patient pages, not a parser. Everything that decides
whether a draft is kept is re-checked by the quality rules (quality.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?=\s+[\"“(]?[A-Z0-9])")
_ABBREVIATIONS = ("dr.", "mr.", "mrs.", "ms.", "e.g.", "i.e.", "etc.", "vs.", "st.", "no.")

STOPWORDS = frozenset(
    """
    a about after all also an and any are as at be been before being both but by can could did do
    does doing done each either for from had has have having he her here his how i if in into is it
    its itself just may me might more most much must my no nor not of off on once one only or other
    our out over own same she should so some such than that the their them then there these they
    this those through to too under until up us very was we were what when where which while who
    whom why will with would you your yours get gets got within without very per like every
    """.split()
)
DETERMINERS = frozenset(
    "a an the this that these those your my our his her their its some any each every".split()
)
#: Words that end a noun phrase when reading backwards or forwards from a term.
BOUNDARY = frozenset(
    """
    a an the this that these those your my our his her their its some any each every is are was
    were be been being has have had do does did will would can could may might must should shall
    of in on at to for from with by into onto about under over through after before during and
    or but if when while because so than as uses use used using called named known also it they
    you we he she which who whom whose where there not no
    """.split()
)
AUXILIARIES = frozenset(
    "is are was were has have had do does did will would can could may might must should".split()
)
WH_WORDS = frozenset("how what when where why whether if who which".split())
IMPERATIVES = frozenset(
    """
    stop start take drink eat avoid bring wear remove plan arrange call ask tell follow use keep
    put leave rest wash clean check buy read sign come go try mix finish
    """.split()
)
#: Singular nouns that end in "s".
SINGULAR_S = frozenset(
    """
    lens gas bias canvas diabetes news series species measles mumps pancreas herpes rabies atlas
    bus plus iris bronchitis arthritis mucus anus uterus fetus virus sinus
    """.split()
)
PRONOUN_SUBJECTS = frozenset("it this that they these those he she we i".split())
FIRST_PERSON = re.compile(r"\b(we|our|us)\b", re.IGNORECASE)
#: Words that mark a treatment, operation or test. Two of these may share a purpose, so one is
#: never offered as the "wrong" answer about another (see distractors.py).
INTERVENTION_RE = re.compile(
    r"\b(treatments?|therap(y|ies)|surgery|surgeries|surgical|procedures?|operations?|"
    r"medicines?|medications?|drugs?|pills?|radiation|chemo(therapy)?|transplants?|injections?|"
    r"implants?|options?|tests?|exams?|scans?|laser|"
    r"\w*(ectomy|otomy|ostomy|plasty|scopy|ablation|therapy))\b",
    re.IGNORECASE,
)
NEGATION_RE = re.compile(r"\b(not|no|never|none|cannot)\b|n['’]t\b", re.IGNORECASE)
_PARTITIVE = re.compile(
    r"^(part|one|some|any|a (type|kind|form|sort|part|member|way|group|example)|"
    r"an (example|area|organ))\b",
    re.IGNORECASE,
)


def clean(text: str) -> str:
    """Runs of white space made single spaces, ends trimmed."""
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def stem(word: str) -> str:
    """A crude stem so that "cells"/"cell" and "aggressive"/"aggressiveness" compare equal."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, replacement in (
        ("iveness", ""),
        ("ness", ""),
        ("ive", ""),
        ("ing", ""),
        ("ies", "y"),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("ly", ""),
    ):
        if suffix in ("s", "es") and w.endswith("ss"):
            continue
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: len(w) - len(suffix)] + replacement
    return w


def content_stems(text: str) -> set[str]:
    """The stems of the words that carry meaning (no stop words, no single letters)."""
    return {stem(w) for w in words(text) if w.lower() not in STOPWORDS and len(w) > 1}


def word_count(text: str) -> int:
    return len(words(text))


def sentences(text: str, offset: int = 0) -> Iterator[tuple[int, int]]:
    """Spans (start, end) of the sentences of ``text``, shifted by ``offset``."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        before = text[start:end].lower().split()
        if before and before[-1] in _ABBREVIATIONS:
            continue
        yield from _trimmed(text, start, end, offset)
        start = end
    yield from _trimmed(text, start, len(text), offset)


def _trimmed(text: str, start: int, end: int, offset: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield offset + start, offset + end


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word looks like a name or an acronym."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1:].lower() != first[1:]):
        return text
    return text[:1].lower() + text[1:]


def strip_end(text: str) -> str:
    """Without trailing punctuation and quotes."""
    return text.strip().rstrip('.,;:!?"”’ ').lstrip('"“‘ ').strip()


def form(text: str) -> str:
    """Grammatical form of a choice: ``wh`` clause, ``to`` phrase, ``sentence``, or ``np``."""
    first = text.split(" ", 1)[0].lower().strip('"“')
    if first in WH_WORDS:
        return "wh"
    if first == "to":
        return "to"
    if first in IMPERATIVES:
        return "vp"
    if text.rstrip().endswith((".", "!", "?")) and word_count(text) > 3:
        return "sentence"
    return "np"


def number(text: str) -> str:
    """``plural`` or ``singular`` for a noun phrase (heuristic: determiner, "and", head noun)."""
    tokens = [w.lower() for w in words(text)]
    if not tokens:
        return "singular"
    if tokens[0] in ("these", "those", "many", "several", "both", "two", "three", "four"):
        return "plural"
    if tokens[0] in ("a", "an", "one", "this", "that", "each", "every"):
        return "singular"
    head_zone = []
    for token in tokens:
        if token in BOUNDARY and token not in DETERMINERS and token != "and":  # nosec B105
            break
        head_zone.append(token)
    if "and" in head_zone:
        return "plural"
    head = head_zone[-1] if head_zone else tokens[0]
    if head in SINGULAR_S:
        return "singular"
    if head.endswith("s") and not head.endswith(("ss", "us", "is", "'s", "’s")):
        return "plural"
    return "singular"


def is_intervention(text: str) -> bool:
    return bool(INTERVENTION_RE.search(text))


def is_partitive(text: str) -> bool:
    """Whether a definition only names a broad class ("part of ...", "a type of ...")."""
    return bool(_PARTITIVE.match(text.strip()))


def looks_like_verb(token: str, following: str | None) -> bool:
    """A finite verb, guessed: an auxiliary, or an -s word followed by a determiner or adverb."""
    low = token.lower()
    if low in AUXILIARIES:
        return True
    if following is None:
        return False
    nxt = following.lower()
    return (
        low.endswith("s")
        and not low.endswith(("ss", "us", "is", "'s", "’s"))
        and (nxt in DETERMINERS or nxt in ("all", "more", "less", "out", "up", "down", "in"))
    )


def subject(sentence: str, max_words: int = 4) -> str | None:
    """The words before the first verb, when that is a short noun phrase."""
    tokens = sentence.split()
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if i and looks_like_verb(token.strip(",;"), following):
            head = " ".join(tokens[:i]).strip(",;")
            if 1 <= i <= max_words and "," not in head:
                return head
            return None
        if token.endswith((",", ";", ":")):
            return None
    return None


def similar_length(a: str, b: str) -> bool:
    """Neither is more than about twice as long as the other (in words)."""
    x, y = sorted((word_count(a), word_count(b)))
    return y <= 2 * x + 2


def you_should(text: str) -> str | None:
    """An instruction as a statement: "Stop eating ..." -> "You should stop eating ...";
    "Three days before the test, stop ..." -> "Three days before the test, you should stop ...".
    None when ``text`` is not an instruction."""
    tokens = text.split()
    first = tokens[0].lower() if tokens else ""
    if first == "don't" or (first == "do" and len(tokens) > 1 and tokens[1].lower() == "not"):
        rest = tokens[2:] if first == "do" else tokens[1:]
        return "You should not " + " ".join(rest)
    if first in IMPERATIVES:
        return "You should " + lower_first(text)
    head, comma, tail = text.partition(", ")
    if comma and word_count(head) <= 8 and tail.split(" ", 1)[0].lower() in IMPERATIVES:
        return f"{head}, you should {lower_first(tail)}"
    return None
