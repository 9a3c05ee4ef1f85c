"""Numerically stable elementwise functions shared by the models, the MLP and the data sets.

Each is written so that no exponential overflows: :func:`sigmoid` uses :math:`e^{-|z|}`,
:func:`logsumexp` and :func:`softmax` subtract the maximum first.  They live here, not in
:mod:`gdlearn.models`, because models, :mod:`gdlearn.mlp` and :mod:`gdlearn.data` all use them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["sigmoid", "logsumexp", "softmax"]


def sigmoid(z: Any) -> Any:
    r"""The logistic function :math:`\sigma(z) = 1/(1 + e^{-z})`, without overflow.

    Uses :math:`e^{-|z|}`, which never overflows: :math:`\sigma(z) = 1/(1+e^{-z})` for
    :math:`z \ge 0` and :math:`e^{z}/(1+e^{z})` for :math:`z < 0`.  A float in gives a float out.

    Examples
    --------
    >>> sigmoid(0.0), sigmoid(-1000.0), sigmoid(1000.0)
    (0.5, 0.0, 1.0)
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(out) if out.ndim == 0 else out


def logsumexp(z: Any, axis: int = -1, keepdims: bool = False) -> Any:
    r""":math:`\log \sum_k e^{z_k}` along ``axis``, computed as :math:`m + \log\sum_k e^{z_k - m}`
    with :math:`m = \max_k z_k`, so that no exponential overflows.

    Examples
    --------
    >>> round(float(logsumexp(np.array([1000.0, 1000.0]))), 6)
    1000.693147
    """
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(z: Any, axis: int = -1) -> np.ndarray:
    r"""Softmax :math:`p_k = e^{z_k} / \sum_j e^{z_j}` along ``axis``, after subtracting the max.

    Examples
    --------
    >>> softmax(np.array([1000.0, 1000.0])).tolist()
    [0.5, 0.5]
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
