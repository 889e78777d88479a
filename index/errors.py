"""Errors raised while building or opening an index."""

from __future__ import annotations


class ReportIndexError(Exception):
    """Base for index problems; the message names the file and what is wrong."""


class IndexNotFoundError(ReportIndexError):
    """No index at the configured location (run `reportqa index`)."""


class IndexCorruptError(ReportIndexError):
    """An index file is missing, truncated or unreadable."""


class ManifestMismatchError(ReportIndexError):
    """The index was built with another model, dimension or format version."""


class DatabaseUnavailableError(ReportIndexError):
    """The postgres backend cannot reach its database, or refused an operation."""
