"""Argument checks shared by the package: one clear error that names the argument."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "check_positive",
    "check_nonnegative",
    "check_beta",
    "check_finite_array",
    "check_int",
]


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_positive(name: str, value: Any) -> float:
    """Return ``float(value)`` if it is a finite real number > 0, else raise.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not finite or not strictly positive.
    """
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def check_nonnegative(name: str, value: Any) -> float:
    """Return ``float(value)`` if it is a finite real number >= 0, else raise."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value


def check_beta(name: str, value: Any) -> float:
    """Return ``float(value)`` if it lies in the half-open interval [0, 1), else raise."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not (0.0 <= value < 1.0):
        raise ValueError(f"{name} must lie in [0, 1), got {value}")
    return value


def check_int(name: str, value: Any, minimum: int = 0) -> int:
    """Return ``int(value)`` if it is an integer >= ``minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_finite_array(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a float64 array if every entry is finite, else raise.

    Raises
    ------
    TypeError
        If ``value`` cannot be read as a numeric array.
    ValueError
        If it holds NaN or infinity.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array: {exc}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or inf; it must be finite")
    return arr
