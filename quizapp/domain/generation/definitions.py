"""Definitions found in the document ("X, or Y", "X is Y", "X means Y") and the "What is X?"
questions made from them."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from quizapp.domain.bankfile import ChoiceSpec
from quizapp.domain.generation import distractors, language
from quizapp.domain.generation.corpus import Corpus, Sentence
from quizapp.domain.generation.drafts import Draft

_OR = re.compile(r",\s+or\s+")
_IS = re.compile(
    r"^(?P<x>[^,;:]{2,60}?)\s+(?:(?:literally|simply|also|just|really)\s+)?"
    r"(?P<verb>is|are|means|mean|refers to)\s+(?P<y>.+)$"
)
_NOT_A_MEANING = frozenset(
    """
    other another any more less even sometimes both neither else also you we they it he she
    call ask see talk go do make take if
    """.split()
)
_BAD_SUBJECT = frozenset("each many most some all there this that it they these those one".split())
MAX_MEANING_WORDS = 25
#: Words that cannot sit inside a term's name ("The procedure uses cryoablation" is no term).
_PHRASE_BREAKS = language.BOUNDARY - {"of", "the", "a", "an", "and", "in", "for", "to"}


@dataclass(frozen=True)
class Definition:
    term: str
    #: "the", "a" or "an" when the page puts one before the term ("the rectum").
    article: str
    meaning: str
    #: "or", "is" or "means".
    pattern: str
    #: True when the meaning names the term itself (appositive "or", "means", "is the ..."),
    #: False when it only puts the term in a class ("is a procedure ...").
    identity: bool
    quoted: bool
    sentence: Sentence

    @property
    def named(self) -> str:
        """The term as a sentence would name it: "the rectum", "Stage of the cancer"."""
        return f"{self.article} {self.term}" if self.article else self.term

    @property
    def answer(self) -> str:
        return language.capitalize(self.meaning)

    @property
    def form(self) -> str:
        return "quote" if self.quoted else language.form(self.meaning)


def _split_article(phrase: str) -> tuple[str, str]:
    first, _, rest = phrase.partition(" ")
    if first.lower() in ("the", "a", "an") and rest:
        return first.lower(), rest
    return "", phrase


def _meaning(raw: str) -> tuple[str, bool] | None:
    text = raw.strip()
    quoted = text[:1] in '"“‘'
    text = language.strip_end(_OR.split(text, 1)[0])
    text = language.strip_end(text)
    tokens = text.split()
    if not tokens or len(tokens) > MAX_MEANING_WORDS:
        return None
    if tokens[0].lower() in _NOT_A_MEANING or tokens[0].lower() in language.IMPERATIVES:
        return None
    return text, quoted


def _appositive(text: str) -> str:
    """The words after ", or" up to the comma that ends them; a run of single-word adjectives
    ("a long, thin, flexible tube") is read through."""
    parts = text.split(",")
    meaning, i = parts[0], 1
    while i < len(parts) and language.word_count(parts[i]) == 1:
        meaning += "," + parts[i] + ("," + parts[i + 1] if i + 1 < len(parts) else "")
        i += 2
    return meaning


def _or_definitions(sentence: Sentence) -> list[Definition]:
    out = []
    text = sentence.text
    for match in _OR.finditer(text):
        left, right = text[: match.start()], text[match.end() :]
        meaning = _meaning(_appositive(right))
        if meaning is None:
            continue
        tokens = left.split()
        inner = {t.lower() for t in tokens[1:]} & _PHRASE_BREAKS
        if 1 <= len(tokens) <= 6 and "," not in left and not inner and not _verbish(tokens):
            article, term = _split_article(left.strip())
        else:
            if "," in " ".join(tokens[-4:]):
                continue  # "A, B, or C" is a list of alternatives, not a definition
            taken: list[str] = []
            for token in reversed(tokens):
                if token.lower() in language.BOUNDARY or token.endswith((",", ";", ":", ".")):
                    break
                taken.insert(0, token)
            if not taken or len(taken) > 3:
                continue
            before = (
                tokens[len(tokens) - len(taken) - 1].lower() if len(tokens) > len(taken) else ""
            )
            article = before if before in ("the", "a", "an") else ""
            if before in language.AUXILIARIES or before in ("be", "been", "being", "get", "got"):
                continue  # "when it was diagnosed, or first found": a verb, not a term
            if before in ("your", "my", "his", "her", "their", "our"):
                article = "the"  # "your colon, or large intestine" -> "What is the colon?"
            term = " ".join(taken)
        if term.lower() in language.STOPWORDS or term.lower().split()[0] in _BAD_SUBJECT:
            continue
        out.append(Definition(term, article, meaning[0], "or", True, meaning[1], sentence))
    return out


def _verbish(tokens: list[str]) -> bool:
    return any(
        language.looks_like_verb(t, tokens[i + 1] if i + 1 < len(tokens) else "the")
        for i, t in enumerate(tokens)
        if i
    )


def _is_definition(sentence: Sentence) -> Definition | None:
    match = _IS.match(sentence.text)
    if not match:
        return None
    x, verb, y = match.group("x"), match.group("verb"), match.group("y")
    tokens = x.split()
    if len(tokens) > 5 or tokens[0].lower() in _BAD_SUBJECT or _verbish(tokens + ["x"]):
        return None
    if tokens[0].lower() in language.PRONOUN_SUBJECTS or tokens[0].lower() == "you":
        return None
    meaning = _meaning(y)
    if meaning is None:
        return None
    first = meaning[0].split()[0].lower()
    if verb in ("is", "are") and first not in ("a", "an", "the", "one", "part", "when", "how"):
        return None
    article, term = _split_article(x)
    term = term.strip("\"“”‘’'")
    identity = verb in ("means", "mean", "refers to") or first == "the"
    pattern = "is" if verb in ("is", "are") else "means"
    return Definition(term, article, meaning[0], pattern, identity, meaning[1], sentence)


def find(corpus: Corpus) -> list[Definition]:
    """Every definition in the document, in page order."""
    out: list[Definition] = []
    for sentence in corpus.sentences:
        if sentence.text.endswith(("?", ":")):
            continue
        found = _or_definitions(sentence)
        is_def = _is_definition(sentence)
        if is_def:
            found.insert(0, is_def)
        out.extend(found)
    return out


def _verb(definition: Definition) -> str:
    if definition.pattern == "means":
        return "means" if language.number(definition.term) == "singular" else "mean"
    return "is" if language.number(definition.term) == "singular" else "are"


def stem_for(definition: Definition) -> str:
    if definition.pattern == "means":
        shown = f"“{definition.term}”" if definition.quoted else definition.named
        return f"What does {language.lower_first(shown)} mean?"
    verb = "are" if language.number(definition.term) == "plural" else "is"
    return f"What {verb} {language.lower_first(definition.named)}?"


def question(
    definition: Definition,
    all_definitions: list[Definition],
    corpus: Corpus,
    rng: random.Random,
    stem: str | None = None,
    generator: str = "definition",
) -> Draft | None:
    """A single-choice "What is X?" question, or None when the page offers too few fair wrong
    answers (each one the meaning of another term, never something the page says of X)."""
    wrong = distractors.for_definition(definition, all_definitions, corpus)
    if len(wrong) < 2:
        return None
    texts = distractors.pick([w.answer for w in wrong], [definition.answer], rng, 3)
    if len(texts) < 2:
        return None
    by_text = {w.answer: w for w in wrong}
    picked = [by_text[t] for t in texts]
    choices = [ChoiceSpec(definition.answer, True)]
    for other in picked:
        choices.append(
            ChoiceSpec(
                other.answer,
                False,
                f"No. The page says this about {language.lower_first(other.named)}, "
                f"not {language.lower_first(definition.named)}.",
            )
        )
    rng.shuffle(choices)
    return Draft(
        kind="single",
        stem=stem or stem_for(definition),
        choices=tuple(choices),
        explanation=(
            f"The page says {language.lower_first(definition.named)} {_verb(definition)} "
            f"{definition.meaning}."
        ),
        spans=(definition.sentence.span,),
        excerpt=definition.sentence.text,
        section=definition.sentence.section,
        generator=generator,
        support=f"{definition.term} {definition.meaning}",
        subject=definition.term,
    )
