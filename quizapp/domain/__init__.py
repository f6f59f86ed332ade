"""Domain logic: plain functions over plain values. Nothing here imports Flask or the database."""
