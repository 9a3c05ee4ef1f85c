"""Hyper-parameter checks used only by the optimizers (each error names its argument)."""

from __future__ import annotations

from typing import Any

from gdlearn._validate import check_beta

__all__ = ["check_betas"]


def check_betas(value: Any) -> tuple[float, float]:
    """Return ``betas`` as a pair of floats, each in [0, 1), else raise naming ``betas``."""
    try:
        beta1, beta2 = value
    except (TypeError, ValueError):
        raise TypeError(f"betas must be a pair (beta1, beta2), got {value!r}") from None
    return check_beta("betas[0]", beta1), check_beta("betas[1]", beta2)
