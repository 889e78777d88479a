"""Evaluation stage: gold question sets, metrics and benchmark runners."""
