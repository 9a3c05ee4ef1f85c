r"""Gradient clipping, usable in a hand-written loop (the names of ``torch.nn.utils``).

Both functions return a new gradient (one array or a dict of arrays) and leave their input alone.
:func:`gdlearn.loop.minimize` and :func:`gdlearn.loop.fit` call them through ``clip_value=`` and
``clip_norm=`` (value first, then norm, when both are given).
"""

from __future__ import annotations

import numpy as np

from gdlearn._tree import Params, as_tree, tree_map, tree_norm
from gdlearn._validate import check_positive

__all__ = ["clip_grad_norm", "clip_grad_value"]


def clip_grad_norm(grad: Params, max_norm: float) -> Params:
    r"""Rescale the whole gradient to Euclidean norm ``max_norm`` when it is longer.

    .. math::

        g \leftarrow g \cdot \min\left(1, \frac{c}{\|g\|}\right)

    The direction is kept; the norm is taken over all entries of all arrays together (as
    ``torch.nn.utils.clip_grad_norm_`` does over all parameters).

    Examples
    --------
    >>> import numpy as np
    >>> print(clip_grad_norm(np.array([3.0, 4.0]), max_norm=1.0))
    [0.6 0.8]
    """
    max_norm = check_positive("max_norm", max_norm)
    grad = as_tree("grad", grad)
    norm = tree_norm(grad)
    if norm <= max_norm:
        return grad
    return tree_map(lambda a: a * (max_norm / norm), grad)


def clip_grad_value(grad: Params, clip_value: float) -> Params:
    r"""Clip every entry of the gradient to :math:`[-c, c]` (the direction may change).

    Examples
    --------
    >>> import numpy as np
    >>> print(clip_grad_value(np.array([3.0, -0.5]), clip_value=1.0))
    [ 1.  -0.5]
    """
    clip_value = check_positive("clip_value", clip_value)
    return tree_map(lambda a: np.clip(a, -clip_value, clip_value), as_tree("grad", grad))
