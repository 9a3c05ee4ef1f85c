"""Newton's method with optional damping (Levenberg-style regularisation of the Hessian)."""

from __future__ import annotations

import numpy as np

from gdlearn._tree import check_same_structure
from gdlearn._validate import check_nonnegative
from gdlearn.optim.base import LearningRate, Optimizer

__all__ = ["Newton"]


class Newton(Optimizer):
    r"""Damped Newton step: solve with the (regularised) Hessian instead of following the gradient.

    With learning rate (step length) :math:`\gamma` and damping :math:`\delta`, update
    :math:`t = 1, 2, \dots` with gradient :math:`g_t = \nabla f(\theta_{t-1})` and Hessian
    :math:`H_t = \nabla^2 f(\theta_{t-1})` is

    .. math::

        \theta_t = \theta_{t-1} - \gamma\, (H_t + \delta I)^{-1} g_t ,

    computed by solving the linear system :math:`(H_t + \delta I)\, d_t = g_t` (never by
    forming the inverse).  On a quadratic :math:`f(\theta) = \tfrac12 \theta^\top A \theta -
    b^\top \theta` with :math:`\gamma = 1, \delta = 0` one step lands on the minimiser
    :math:`A^{-1} b`, whatever the conditioning.  Damping :math:`\delta > 0` shortens the step
    (in every eigen-direction of a positive definite :math:`H` the factor
    :math:`\lambda_i / (\lambda_i + \delta) < 1` multiplies the Newton step), turns it
    towards :math:`-g_t / \delta` as :math:`\delta` grows, and makes the system solvable when
    :math:`H_t` is singular.  Where :math:`H_t` is indefinite the undamped step can head
    for a saddle point or a maximum.

    Parameters
    ----------
    lr : float or callable, default 1.0
        Step length :math:`\gamma` (> 0), or a schedule ``lr(t)``.
    damping : float, default 0.0
        :math:`\delta \ge 0`, added to the Hessian's diagonal.

    Attributes
    ----------
    needs_hessian : bool
        Always ``True``: :meth:`step` takes the Hessian as a third argument.

    Notes
    -----
    PyTorch has no Newton optimizer (``torch.optim.LBFGS`` is a quasi-Newton method that
    builds a Hessian approximation from gradients).  The parameters must be one array; a
    parameter array of any shape is treated as the flat vector ``x.ravel()``, and the
    Hessian must then have shape ``(x.size, x.size)``.

    References
    ----------
    - Nocedal, J. and Wright, S. J. (2006). *Numerical Optimization*, 2nd ed., Springer,
      Chapters 3 and 10.
    - Boyd, S. and Vandenberghe, L. (2004). *Convex Optimization*, Cambridge University
      Press, Section 9.5.

    Examples
    --------
    >>> import numpy as np
    >>> from gdlearn.optim import Newton
    >>> A, b = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
    >>> x = np.zeros(2)
    >>> x = Newton().step(x, A @ x - b, A)     # f = x'Ax/2 - b'x: one step to the minimum
    >>> print(np.allclose(A @ x, b))
    True
    """

    needs_hessian = True

    def __init__(self, lr: LearningRate = 1.0, damping: float = 0.0) -> None:
        super().__init__(lr)
        self.damping = check_nonnegative("damping", damping)

    def step(self, params: np.ndarray, grad: np.ndarray, hess: np.ndarray) -> np.ndarray:  # type: ignore[override]
        """Return the parameters after one (damped) Newton step.

        Parameters
        ----------
        params : numpy.ndarray
            Current point :math:`\\theta_{t-1}` (one array, not a dict).
        grad : numpy.ndarray
            Gradient at ``params``, same shape.
        hess : numpy.ndarray
            Hessian at ``params``, shape ``(params.size, params.size)``.

        Returns
        -------
        numpy.ndarray
            The new point, same shape as ``params``.

        Raises
        ------
        TypeError
            If ``params`` is a dict.
        ValueError
            If the shapes disagree or :math:`H + \\delta I` is singular.
        """
        if isinstance(params, dict) or isinstance(grad, dict):
            raise TypeError("Newton needs params as one array, not a dict of arrays")
        check_same_structure(params, grad)
        x = np.asarray(params, dtype=float)
        g = np.asarray(grad, dtype=float)
        h = np.asarray(hess, dtype=float)
        if h.shape != (x.size, x.size):
            raise ValueError(f"hess must have shape {(x.size, x.size)} for params of size {x.size}, "
                             f"got {h.shape}")
        lr = self.current_lr()
        if self.damping:
            h = h + self.damping * np.eye(x.size)
        try:
            direction = np.linalg.solve(h, g.ravel())
        except np.linalg.LinAlgError:
            raise ValueError("hess + damping * I is singular; use damping > 0") from None
        self.t += 1
        self.last_lr = lr
        return x - lr * direction.reshape(x.shape)
