"""Shared core: domain, storage, crypto, protocol, documents, i18n. No Qt widgets, no programs."""

__version__ = "0.1.0"
