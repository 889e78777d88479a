"""What the app holds while it runs, typed: settings, the served engine's manager, keys,
uploads, feedback."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import FastAPI

from service.api.keys import KeyRing
from service.api.links import ViewLinks
from service.ops.feedback import FeedbackBackend, open_feedback_store
from service.ops.ingest import DocumentIngestor
from service.ops.reload import EngineManager
from service.qa.engine import QAEngine
from service.settings import Settings


@dataclass
class AppState:
    settings: Settings
    manager: EngineManager  # owns the served engine; a reload swaps it there
    keyring: KeyRing
    links: ViewLinks  # signed citation links (see service/api/links.py)
    ingestor: DocumentIngestor | None = None  # set by the lifespan, beside the served index
    # Needs no index, so it is there from the start; a SQLite file is made on first use.
    feedback: FeedbackBackend = field(init=False)

    def __post_init__(self) -> None:
        self.feedback = open_feedback_store(self.settings)

    @property
    def engine(self) -> QAEngine | None:
        return self.manager.engine


def app_state(app: FastAPI) -> AppState:
    """The typed state `create_app` put on `app`."""
    state: AppState = app.state.reportqa
    return state
