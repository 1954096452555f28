"""A citation-grounded assistant over BMA and BMJ guidance on NHS commissioning.

from assistant import Assistant, Settings
answer = Assistant(Settings.from_env()).ask("how do I get on a CCG board?")
"""

from .core import Assistant
from .errors import (
    AssistantError,
    ConfigError,
    DatasetError,
    EmbedderMismatchError,
    GeneratorError,
    IndexMissingError,
    IngestError,
    IngestLockedError,
    QuestionError,
    StoreError,
)
from .retrieval.retrieve import Filters
from .settings import Settings
from .types import Answer, Citation, DocumentInfo, Hit, Turn

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "ConfigError",
    "DatasetError",
    "DocumentInfo",
    "EmbedderMismatchError",
    "Filters",
    "GeneratorError",
    "Hit",
    "IndexMissingError",
    "IngestError",
    "IngestLockedError",
    "QuestionError",
    "Settings",
    "StoreError",
    "Turn",
]
