"""Service-time distributions in hours, as frozen typed records.

Every stochastic duration in landbridge (customs clearance, handover, running-time
variability) is one of these records. A record is validated at load and knows how to
draw from a :class:`numpy.random.Generator`; it never holds a generator itself, so a
replication's randomness is entirely its own.

The lognormal is parametrised by its mean and coefficient of variation, which is how
dwell times are usually reported; the underlying ``mu``/``sigma`` follow from
``sigma^2 = ln(1 + cv^2)`` and ``mu = ln(mean) - sigma^2 / 2`` (Johnson, Kotz &
Balakrishnan, *Continuous Univariate Distributions* vol. 1, 2nd ed., 1994, ch. 14).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, model_validator

__all__ = [
    "Fixed",
    "Exponential",
    "LogNormal",
    "Triangular",
    "Uniform",
    "Distribution",
]


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def mean(self) -> float:  # pragma: no cover - overridden
        """Mean of the distribution, in its own unit (hours for a duration)."""
        raise NotImplementedError

    def minimum(self) -> float:  # pragma: no cover - overridden
        """Smallest value the distribution can take (the static minimum dwell uses it)."""
        raise NotImplementedError

    def sample(self, rng: np.random.Generator) -> float:  # pragma: no cover
        """One draw from ``rng``; the subclasses' methods keep this meaning."""
        raise NotImplementedError

    def scaled(self, factor: float) -> "_Dist":
        """Return the same distribution with every duration multiplied by ``factor``."""
        raise NotImplementedError  # pragma: no cover

    def sampler(self, rng: np.random.Generator):
        """A zero-argument function drawing from this distribution with ``rng``
        (parameters precomputed: the fast path for hot loops). Draws are identical to
        :meth:`sample` with the same generator state."""
        return lambda: self.sample(rng)


class Fixed(_Dist):
    """A deterministic duration of ``value`` (hours, or a dimensionless factor)."""

    kind: Literal["fixed"] = "fixed"
    value: StrictFloat = Field(ge=0)

    def mean(self) -> float:
        return self.value

    def minimum(self) -> float:
        return self.value

    def sample(self, rng: np.random.Generator) -> float:
        return self.value

    def sampler(self, rng: np.random.Generator):
        v = self.value
        return lambda: v

    def scaled(self, factor: float) -> "Fixed":
        return Fixed(value=self.value * factor)


class Exponential(_Dist):
    """Exponential duration with mean ``mean_value`` (memoryless; M in Kendall notation)."""

    kind: Literal["exponential"] = "exponential"
    mean_value: StrictFloat = Field(gt=0, alias="mean")

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, populate_by_name=True)

    def mean(self) -> float:
        return self.mean_value

    def minimum(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.exponential(self.mean_value))

    def scaled(self, factor: float) -> "Exponential":
        return Exponential(mean=self.mean_value * factor)


class LogNormal(_Dist):
    """Lognormal duration given by its ``mean`` and coefficient of variation ``cv``,
    shifted by ``min`` (a fixed minimum before the random part)."""

    kind: Literal["lognormal"] = "lognormal"
    mean_value: StrictFloat = Field(gt=0, alias="mean")
    cv: StrictFloat = Field(gt=0, le=5)
    min_value: StrictFloat = Field(default=0.0, ge=0, alias="min")

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, populate_by_name=True)

    @model_validator(mode="after")
    def _min_below_mean(self) -> "LogNormal":
        if self.min_value >= self.mean_value:
            raise ValueError(f"min ({self.min_value}) must be below mean ({self.mean_value})")
        return self

    def mean(self) -> float:
        return self.mean_value

    def minimum(self) -> float:
        return self.min_value

    def _params(self) -> tuple[float, float]:
        m = self.mean_value - self.min_value
        s = self.cv * self.mean_value  # cv applies to the whole duration
        sigma2 = math.log(1.0 + (s / m) ** 2)
        return math.log(m) - sigma2 / 2.0, math.sqrt(sigma2)

    def sample(self, rng: np.random.Generator) -> float:
        mu, sigma = self._params()
        return self.min_value + float(rng.lognormal(mu, sigma))

    def sampler(self, rng: np.random.Generator):
        mu, sigma = self._params()
        lo = self.min_value
        draw = rng.lognormal
        return lambda: lo + float(draw(mu, sigma))

    def scaled(self, factor: float) -> "LogNormal":
        return LogNormal(mean=self.mean_value * factor, cv=self.cv, min=self.min_value * factor)


class Triangular(_Dist):
    """Triangular duration on [``low``, ``high``] with mode ``mode``."""

    kind: Literal["triangular"] = "triangular"
    low: StrictFloat = Field(ge=0)
    mode: StrictFloat = Field(ge=0)
    high: StrictFloat = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Triangular":
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"expected low <= mode <= high and low < high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def minimum(self) -> float:
        return self.low

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.triangular(self.low, self.mode, self.high))

    def scaled(self, factor: float) -> "Triangular":
        return Triangular(low=self.low * factor, mode=self.mode * factor, high=self.high * factor)


class Uniform(_Dist):
    """Uniform duration on [``low``, ``high``]."""

    kind: Literal["uniform"] = "uniform"
    low: StrictFloat = Field(ge=0)
    high: StrictFloat = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if not self.low < self.high:
            raise ValueError(f"expected low < high, got {self.low} and {self.high}")
        return self

    def mean(self) -> float:
        return (self.low + self.high) / 2.0

    def minimum(self) -> float:
        return self.low

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    def scaled(self, factor: float) -> "Uniform":
        return Uniform(low=self.low * factor, high=self.high * factor)


Distribution = Annotated[
    Union[Fixed, Exponential, LogNormal, Triangular, Uniform], Field(discriminator="kind")
]
"""Any of the duration distributions, chosen by its ``kind`` key."""
