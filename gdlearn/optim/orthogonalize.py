r"""Orthogonalizing a matrix: the quintic Newton–Schulz iteration of Muon (Jordan et al., 2024).

For :math:`M = U S V^\top` (a singular value decomposition), :math:`\operatorname{orth}(M) =
U V^\top` keeps the singular directions of :math:`M` and sets every nonzero singular value
to one.  :func:`newton_schulz` approximates it with matrix products only: after scaling
:math:`M` so that its singular values lie in :math:`[0, 1]`, each step applies the odd
polynomial :math:`p(s) = a_1 s + a_3 s^3 + a_5 s^5` to every singular value at once, since
:math:`X \mapsto a_1 X + a_3 (X X^\top) X + a_5 (X X^\top)^2 X` maps
:math:`U S V^\top` to :math:`U p(S) V^\top`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gdlearn._validate import as_real_array, check_int, check_positive

__all__ = ["newton_schulz", "orthogonalize_svd", "NS_COEFFS"]

#: Jordan's coefficients (a1, a3, a5): p'(0) = 3.4445 is as steep as keeps the iteration
#: from overshooting, so small singular values grow fast; the price is that the result
#: is only near 1 (in [0.68, 1.21] after five steps), not 1 exactly
NS_COEFFS: tuple[float, float, float] = (3.4445, -4.7750, 2.0315)


def _as_matrix(M: Any) -> np.ndarray:
    X = as_real_array("M", M)
    if X.ndim != 2:
        raise ValueError(f"M must be a matrix (2-D array), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("M holds NaN or inf; it must be finite")
    return X


def newton_schulz(M: Any, steps: int = 5, coeffs: tuple[float, float, float] = NS_COEFFS,
                  eps: float = 1e-7) -> np.ndarray:
    r"""Approximately orthogonalize ``M`` by ``steps`` quintic Newton–Schulz steps.

    .. math::

        \begin{aligned}
        X_0 &= M / (\lVert M\rVert_F + \varepsilon), \\
        A_j &= X_j X_j^\top, \\
        X_{j+1} &= a_1 X_j + (a_3 A_j + a_5 A_j^2)\, X_j .
        \end{aligned}

    Dividing by the Frobenius norm puts every singular value in :math:`[0, 1]`
    (:math:`\lVert M\rVert_{\mathrm{op}} \le \lVert M\rVert_F`); each step maps every
    singular value :math:`s` to :math:`p(s) = a_1 s + a_3 s^3 + a_5 s^5` and keeps the
    singular vectors.  With the default coefficients, five steps map every singular value
    of :math:`X_0` in :math:`[0.003, 1]` into :math:`[0.68, 1.21]`: the result is near
    :math:`U V^\top`, not equal to it (see :func:`orthogonalize_svd` for the exact one).

    Parameters
    ----------
    M : array_like, shape (rows, cols)
        A finite real matrix.
    steps : int, default 5
        Number of steps (>= 0).
    coeffs : tuple of three floats, default ``NS_COEFFS`` = (3.4445, -4.7750, 2.0315)
        :math:`(a_1, a_3, a_5)`.  ``(1.5, -0.5, 0.0)`` is the classical cubic
        Newton–Schulz iteration, which converges to :math:`U V^\top` (slowly when a
        singular value is small).
    eps : float, default 1e-7
        :math:`\varepsilon > 0` in the first scaling (keeps a zero matrix at zero).

    Returns
    -------
    numpy.ndarray
        An array of the shape and dtype of ``M``.

    Notes
    -----
    Like the reference code and optax, a tall matrix is transposed first so that the Gram
    matrix :math:`A_j` is the smaller one (the polynomial commutes with the transpose).
    ``optax.contrib._muon.orthogonalize_via_newton_schulz(M, coeffs, steps, eps=eps)``
    computes the same matrix.

    References
    ----------
    - Jordan, K., Jin, Y., Boza, V., You, J., Cesista, F., Newhouse, L. and Bernstein, J.
      (2024). Muon: an optimizer for hidden layers in neural networks. Blog post.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlearn.optim import newton_schulz
    >>> M = np.diag([4.0, 1.0, 0.1])
    >>> print(np.round(np.diag(newton_schulz(M)), 2))  # all singular values near 1
    [0.74 0.74 0.88]
    """
    X = _as_matrix(M)
    steps = check_int("steps", steps)
    eps = check_positive("eps", eps)
    try:
        a1, a3, a5 = (float(c) for c in coeffs)
    except (TypeError, ValueError):
        raise TypeError(f"coeffs must be three numbers (a1, a3, a5), got {coeffs!r}") from None
    transposed = X.shape[0] > X.shape[1]
    if transposed:
        X = X.T
    X = X / (np.linalg.norm(X) + eps)
    for _ in range(steps):
        A = X @ X.T
        B = a3 * A + a5 * (A @ A)
        X = a1 * X + B @ X
    return X.T if transposed else X


def orthogonalize_svd(M: Any) -> np.ndarray:
    r"""The exact :math:`\operatorname{orth}(M) = U V^\top` from the thin SVD :math:`M = U S V^\top`.

    Singular directions whose singular value is zero (below ``max(shape) * eps_mach``
    relative to the largest) are dropped, so ``orthogonalize_svd(0)`` is zero.
    """
    X = _as_matrix(M)
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    keep = s > (s[0] if s.size else 0.0) * max(X.shape) * np.finfo(X.dtype).eps
    return (U[:, keep] @ Vt[keep]).astype(X.dtype, copy=False)
