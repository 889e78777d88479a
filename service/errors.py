"""Domain errors of the service, with messages written for the person who made the request.

Nothing here knows HTTP: `service.api.errors` maps each error to a status code.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base for errors a caller can act on."""


class DocumentNotFoundError(ServiceError):
    """No document with the id asked for."""


class BadQueryError(ServiceError):
    """The request is well formed but asks for something impossible."""


class IndexUnavailableError(ServiceError):
    """No index is being served (not loaded yet, or a reload failed)."""


class UnsupportedDocumentError(ServiceError):
    """An upload that is not a readable document of a supported type."""


class DocumentTooLargeError(ServiceError):
    """An upload over the size limit."""


class StorageFullError(ServiceError):
    """A store the service keeps (e.g. feedback) is at its configured size."""


class ConfigurationError(Exception):
    """A setting or file read at start-up is invalid; the message names it."""
