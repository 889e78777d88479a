"""The question-answering core: no FastAPI here."""
