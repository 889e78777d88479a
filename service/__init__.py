"""Service stage: retrieval, extractive answers with citations, HTTP API and CLI."""
