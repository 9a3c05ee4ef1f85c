"""Argument checks shared by the package: one clear error that names the argument."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "check_positive",
    "check_nonnegative",
    "check_beta",
    "check_unit_interval",
    "check_bool",
    "check_finite_array",
    "check_int",
    "check_rng",
    "as_real_array",
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


def check_unit_interval(name: str, value: Any) -> float:
    """Return ``float(value)`` if it lies in the closed interval [0, 1], else raise."""
    value = check_nonnegative(name, value)
    if value > 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
    return value


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is a bool (``True``/``False`` or a numpy bool), else raise ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` if it is a :class:`numpy.random.Generator`, else raise ``TypeError``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(rng).__name__}"
        )
    return rng


def as_real_array(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a real floating-point array: the one numeric conversion of the package.

    The dtype policy: float16, float32 and float64 arrays keep their dtype; integers and bools
    become float64; complex numbers are refused (gradient descent here is over the reals, and
    casting would silently drop the imaginary part).

    Raises
    ------
    TypeError
        If ``value`` is complex, or cannot be read as a numeric array.
    """
    if isinstance(value, dict):
        raise TypeError(f"{name} must be a numeric array, got a dict")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array: {exc}") from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} is complex ({arr.dtype}); gdlearn works with real numbers only")
    if kind in "biu":
        return arr.astype(np.float64)
    if kind != "f":
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    return arr


def check_int(name: str, value: Any, minimum: int = 0) -> int:
    """Return ``int(value)`` if it is an integer >= ``minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_finite_array(name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a real array (dtype policy of :func:`as_real_array`) if every entry is finite.

    Raises
    ------
    TypeError
        If ``value`` cannot be read as a numeric array.
    ValueError
        If it holds NaN or infinity.
    """
    arr = as_real_array(name, value)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or inf; it must be finite")
    return arr
