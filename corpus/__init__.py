"""Corpus stage: load report files, clean them, and cut them into cited chunks."""
