"""The question-answering core: analyse, retrieve, choose and cite. No FastAPI here.

The public entry points, used by the HTTP shell, the CLI and the evaluation harness.
"""

from service.qa.answer import UNMET_CONFIDENCE, Answerer, Candidate
from service.qa.answer_model import (
    CONFIDENCE_FEATURES,
    FEATURES,
    HAND_WEIGHTS,
    ConfidenceModel,
    score,
)
from service.qa.completion import completed
from service.qa.contract import AskRequest, AskResponse, SearchResponse
from service.qa.engine import AnswerInputs, QAEngine
from service.qa.retrieve import Retriever
from service.qa.shortfalls import best_falls_short, missing_kind

__all__ = [
    "CONFIDENCE_FEATURES",
    "UNMET_CONFIDENCE",
    "FEATURES",
    "HAND_WEIGHTS",
    "AnswerInputs",
    "Answerer",
    "AskRequest",
    "AskResponse",
    "Candidate",
    "ConfidenceModel",
    "QAEngine",
    "Retriever",
    "SearchResponse",
    "best_falls_short",
    "completed",
    "missing_kind",
    "score",
]
