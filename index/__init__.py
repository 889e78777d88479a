"""Index stage: embed chunks, store them, and search them (dense FAISS + SQLite store)."""
