"""Question versions kept in memory: read once, the same as the database, bounded."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp import db
from quizapp.models import QuestionVersion
from quizapp.version_cache import VersionCache
from tests.helpers import recorded_statements


def test_a_version_is_read_once_and_matches_the_database(app, bundled_bank, dbs):
    stored = dbs.scalar(sa.select(QuestionVersion).order_by(QuestionVersion.id.desc()).limit(1))
    cache = VersionCache()
    with app.app_context():
        with recorded_statements(db.state(app).engine) as first:
            version = cache.get(db.session(), stored.id)
        with recorded_statements(db.state(app).engine) as second:
            again = cache.get(db.session(), stored.id)
    assert version is again and len(first) >= 2 and second == []
    assert (version.kind, version.stem, version.source_excerpt) == (
        stored.kind,
        stored.stem,
        stored.source_excerpt,
    )
    assert [(c.id, c.text, c.is_correct) for c in version.choices] == [
        (c.id, c.text, c.is_correct) for c in sorted(stored.choices, key=lambda c: c.position)
    ]
    assert version.correct_ids == {c.id for c in stored.choices if c.is_correct}


def test_an_unknown_version_is_none_and_not_remembered(app, bundled_bank):
    cache = VersionCache()
    with app.app_context():
        assert cache.get(db.session(), 10**6) is None
    assert len(cache) == 0


def test_the_oldest_version_read_is_dropped_beyond_the_size(app, bundled_bank, dbs):
    ids = dbs.scalars(sa.select(QuestionVersion.id).order_by(QuestionVersion.id).limit(3)).all()
    cache = VersionCache(size=2)
    with app.app_context():
        for version_id in ids:
            cache.get(db.session(), version_id)
        assert len(cache) == 2
        with recorded_statements(db.state(app).engine) as seen:
            cache.get(db.session(), ids[0])  # dropped: read again
            cache.get(db.session(), ids[2])  # still there
    assert len([s for s in seen if s.upper().startswith("SELECT")]) == 2
