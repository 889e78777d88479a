"""Shared test helpers: servers, fakes, load generator."""
