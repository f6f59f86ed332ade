"""The quality rules every draft must pass. Each rule returns why a draft fails it (or None);
``check`` drops failing drafts and records the reading grade of the rest."""

from __future__ import annotations

import re
from collections.abc import Callable

from quizapp.domain import documents, kinds, readability
from quizapp.domain.generation import language
from quizapp.domain.generation.corpus import Corpus
from quizapp.domain.generation.drafts import Draft
from quizapp.domain.lint import patient_text

_NEGATIVE = re.compile(r"\b(NOT|EXCEPT)\b")
_NEGATIVE_ANY = re.compile(r"\b(not|except)\b|n['’]t\b", re.IGNORECASE)
_ARTICLE_END = re.compile(r"\b(a|an)\s*[?.:]?\s*$", re.IGNORECASE)


def negative_stem(draft: Draft, corpus: Corpus) -> str | None:
    """No stem built on NOT or EXCEPT, and no false statement that is also negative."""
    if _NEGATIVE.search(draft.stem) or re.search(r"\bexcept\b", draft.stem, re.IGNORECASE):
        return "stem built on NOT or EXCEPT"
    if draft.kind != "truefalse" and _NEGATIVE_ANY.search(draft.stem):
        return "stem asks a negative question"
    if (
        draft.kind == "truefalse"
        and draft.correct == ["False"]
        and language.NEGATION_RE.search(draft.stem)
    ):
        return "a false statement with a negative in it is a double negative"
    return None


def well_formed(draft: Draft, corpus: Corpus) -> str | None:
    """The kind's own rules (number of choices, correct flags) and a stem that asks for all."""
    problems = kinds.check_choices(
        draft.kind, [c.text for c in draft.choices], [c.correct for c in draft.choices]
    )
    if problems:
        return problems[0]
    if draft.kind == "multi" and "select all that apply" not in draft.stem.lower():
        return 'a select-all stem must say "Select all that apply"'
    if not draft.explanation:
        return "no explanation"
    return None


def unsupported(draft: Draft, corpus: Corpus) -> str | None:
    """The excerpt is the document's own words, and it holds every word of the marked answer."""
    quoted = " ".join(corpus.slice(span) for span in draft.spans)
    if language.clean(quoted) != language.clean(draft.excerpt):
        return "excerpt is not the text at its offsets"
    if not documents.contains_excerpt(corpus.text, draft.excerpt):
        return "excerpt not found word for word in one part of the document"
    excerpt = language.content_stems(draft.excerpt)
    missing = language.content_stems(draft.support) - excerpt
    if draft.kind in ("single", "multi"):
        for text in draft.correct:
            missing |= language.content_stems(text) - excerpt
    if missing:
        return f"the excerpt does not support the answer (missing: {', '.join(sorted(missing))})"
    return None


def true_distractor(draft: Draft, corpus: Corpus) -> str | None:
    """No wrong choice that the document makes true for this stem."""
    excerpt = language.content_stems(draft.excerpt)
    if draft.kind == "truefalse":
        if draft.correct == ["False"] and corpus.states(draft.stem):
            return "the statement marked false is said by the page"
        return None
    about_care = language.is_intervention(f"{draft.stem} {draft.excerpt}")
    for text in draft.wrong:
        stems = language.content_stems(text)
        if stems and stems <= excerpt:
            return f"wrong choice {text!r} is stated in the excerpt"
        if corpus.stated_with(draft.subject, text):
            return f"wrong choice {text!r} is said of {draft.subject!r} by the page"
        if draft.kind == "multi" and about_care and language.is_intervention(text):
            return f"wrong choice {text!r} is a treatment or test; it may be a real option"
    return None


def giveaway(draft: Draft, corpus: Corpus) -> str | None:
    """Choices of one grammatical form and similar length; no a/an or singular/plural clue."""
    if draft.kind == "truefalse":
        return None
    if _ARTICLE_END.search(draft.stem):
        return 'stem ends in "a" or "an", which gives the answer away'
    texts = [c.text for c in draft.choices]
    forms = {language.form(t) for t in texts}
    if len(forms) > 1:
        return f"choices mix grammatical forms ({', '.join(sorted(forms))})"
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if not language.similar_length(a, b):
                return f"choices differ too much in length ({a!r} and {b!r})"
    if draft.kind == "single" and forms == {"np"}:
        if len({language.number(t) for t in texts}) > 1:
            return "choices mix singular and plural"
        articles = {t.split()[0].lower() in ("a", "an") for t in texts}
        if draft.stem.lower().startswith("what are") and True in articles:
            return 'a plural question with an "a"/"an" choice'
    return None


RULES: tuple[Callable[[Draft, Corpus], str | None], ...] = (
    negative_stem,
    well_formed,
    unsupported,
    true_distractor,
    giveaway,
)


def _stem_key(stem: str) -> str:
    return " ".join(language.words(stem.lower()))


def grade(draft: Draft) -> float | None:
    return readability.grade(
        patient_text(draft.stem, draft.explanation, [(c.text, c.feedback) for c in draft.choices])
    )


def check(drafts: list[Draft], corpus: Corpus) -> tuple[list[Draft], list[tuple[Draft, str]]]:
    """The drafts that pass every rule (with their reading grade), and the rest with the reason.

    Two drafts with the same stem: the first is kept.
    """
    kept: list[Draft] = []
    dropped: list[tuple[Draft, str]] = []
    stems: set[str] = set()
    for draft in drafts:
        reason = next((r for rule in RULES if (r := rule(draft, corpus))), None)
        if reason is None and _stem_key(draft.stem) in stems:
            reason = "another draft has the same stem"
        if reason:
            dropped.append((draft, reason))
            continue
        stems.add(_stem_key(draft.stem))
        kept.append(draft.but(grade=grade(draft)))
    return kept, dropped
