"""``make bench``: quizapp under gunicorn and wrk on SQLite and PostgreSQL, next to two bare Flask
ceilings measured in the same run. ``python -m benchmarks --help`` for the options."""
