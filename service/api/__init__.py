"""The FastAPI shell around the QA core."""
