"""The `postgres` backend: builds in PostgreSQL tables with pgvector, shared by replicas."""
