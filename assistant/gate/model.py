"""The answerability model: standardised logistic regressions over the signals
`answerability.py` reads, with the thresholds that make an ask's outcome an answer, a partial
answer or a refusal. Fitted by `bench/tune_answerability.py` (cross-validated on the dev set);
the fit ships as `assistant/data/answerability.json`, or a refit is named by
ASSISTANT_ANSWERABILITY_MODEL (`wiring.load_answerability`)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from ..errors import ConfigError
from .answerability import FEATURES, QA_FEATURES, QA_SENTENCE


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression over named signals."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias
        for f, w, m, s in zip(self.features, self.weights, self.mean, self.scale, strict=True):
            z += w * (values.get(f, 0.0) - m) / (s or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": list(self.weights),
            "bias": self.bias,
            "mean": list(self.mean),
            "scale": list(self.scale),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], features: tuple[str, ...], where: str) -> Logistic:
        if list(data["features"]) != list(features):
            raise ConfigError(f"{where}: fitted on features {data['features']}, this code uses {list(features)}")
        model = cls(
            tuple(features),
            tuple(float(x) for x in data["weights"]),
            float(data["bias"]),
            tuple(float(x) for x in data["mean"]),
            tuple(float(x) for x in data["scale"]),
        )
        if not (len(model.weights) == len(model.mean) == len(model.scale) == len(features)):
            raise ConfigError(f"{where}: expected {len(features)} weights")
        return model


@dataclass(frozen=True)
class AnswerabilityModel:
    """Standardised logistic regression over FEATURES, with its two decision thresholds; and,
    where the QA model's signal is at hand, a second one over QA_FEATURES that decides between
    an answer and a partial one (`answer`, `qa_answer_at`). Refusal is decided by the first alone,
    so the QA model never refuses a question the first would answer."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    # p >= answer_at: answer; refuse_below <= p < answer_at: partial; below: refuse.
    answer_at: float
    refuse_below: float
    fitted: Mapping[str, Any]
    answer: Logistic | None = None
    qa_answer_at: float = 1.0

    @cached_property
    def base(self) -> Logistic:
        # Built once per model, not per question.
        return Logistic(FEATURES, self.weights, self.bias, self.mean, self.scale)

    def probability(self, values: Mapping[str, float]) -> float:
        return self.base.probability(values)

    def answer_probability(self, values: Mapping[str, float]) -> float | None:
        """The probability the answer decision reads with the QA model's signal, or None when
        there is no such model or no such signal (then `probability` decides)."""
        if self.answer is None or QA_SENTENCE not in values:
            return None
        return self.answer.probability(values)

    def outcome(self, probability: float, about_now: bool = False, answer_probability: float | None = None) -> str:
        """`about_now`: the ask is about today, which the sources predate: at most partial."""
        if probability < self.refuse_below:
            return "refuse"
        if answer_probability is not None:
            answered = answer_probability >= self.qa_answer_at
        else:
            answered = probability >= self.answer_at
        return "answer" if answered and not about_now else "partial"

    def to_json(self) -> dict[str, Any]:
        out = {
            **self.base.to_json(),
            "answer_at": self.answer_at,
            "refuse_below": self.refuse_below,
        }
        if self.answer is not None:
            out["qa"] = {**self.answer.to_json(), "answer_at": self.qa_answer_at}
        out["fitted"] = dict(self.fitted)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "answerability model") -> AnswerabilityModel:
        try:
            base = Logistic.from_json(data, FEATURES, where)
            qa = data.get("qa")
            answer = Logistic.from_json(qa, QA_FEATURES, f"{where} (qa)") if qa else None
            model = cls(
                base.weights,
                base.bias,
                base.mean,
                base.scale,
                float(data["answer_at"]),
                float(data["refuse_below"]),
                dict(data.get("fitted", {})),
                answer,
                float(qa["answer_at"]) if qa else 1.0,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: malformed ({exc})") from exc
        if not 0.0 <= model.refuse_below <= model.answer_at <= 1.0:
            raise ConfigError(f"{where}: thresholds must satisfy 0 <= refuse_below <= answer_at <= 1")
        if not 0.0 <= model.qa_answer_at <= 1.0:
            raise ConfigError(f"{where}: the qa answer threshold must be between 0 and 1")
        return model


@cache
def packaged_model() -> AnswerabilityModel:
    text = resources.files("assistant").joinpath("data/answerability.json").read_text(encoding="utf-8")
    return AnswerabilityModel.from_json(json.loads(text), "assistant/data/answerability.json")
