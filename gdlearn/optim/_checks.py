"""Hyper-parameter checks used only by the optimizers (each error names its argument)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import check_beta, check_nonnegative

__all__ = ["check_bool", "check_betas", "check_unit_interval"]


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is a bool (``True``/``False`` or a numpy bool), else raise ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_unit_interval(name: str, value: Any) -> float:
    """Return ``float(value)`` if it lies in the closed interval [0, 1], else raise."""
    value = check_nonnegative(name, value)
    if value > 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
    return value


def check_betas(value: Any) -> tuple[float, float]:
    """Return ``betas`` as a pair of floats, each in [0, 1), else raise naming ``betas``."""
    try:
        beta1, beta2 = value
    except (TypeError, ValueError):
        raise TypeError(f"betas must be a pair (beta1, beta2), got {value!r}") from None
    return check_beta("betas[0]", beta1), check_beta("betas[1]", beta2)
