"""The optimizer base class: learning rate (a float or a schedule), step count, state, ``reset``.

A concrete optimizer writes two small methods:

* ``_init_state(x)`` returns the per-parameter state arrays it needs (``{"exp_avg": zeros}``),
* ``_update(x, g, state, lr)`` returns the new parameter array, updating ``state`` in place.

The base class handles one array or a dict of arrays, input checks, the step count ``t``
(number of updates done so far) and the learning-rate schedule.  ``step`` never modifies
the arrays it is given: it returns new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gdlearn._tree import Params, check_same_structure
from gdlearn._validate import check_positive

Schedule = Callable[[int], float]
LearningRate = float | Schedule

__all__ = ["Optimizer", "LearningRate", "Schedule"]


class Optimizer:
    """Base class of every optimizer in :mod:`gdlearn.optim`.

    Parameters
    ----------
    lr : float or callable
        Learning rate :math:`\\alpha`.  A callable ``lr(t)`` is a schedule: it receives the
        number of updates already made, ``t = 0, 1, 2, ...``, and returns the rate for the
        next update (see :mod:`gdlearn.schedules`).

    Attributes
    ----------
    t : int
        Number of updates made since construction or the last :meth:`reset`.
    state : dict
        Named state (moments, buffers); each value has the structure of the parameters
        (one array, or a dict of arrays with the parameters' keys).
    """

    #: names of the state arrays, in the order ``_init_state`` creates them
    state_names: tuple[str, ...] = ()

    def __init__(self, lr: LearningRate) -> None:
        if callable(lr):
            self.lr: LearningRate = lr
        else:
            self.lr = check_positive("lr", lr)
        self.t = 0
        self.state: dict[str, Any] = {}

    # -- public API -----------------------------------------------------------------
    def current_lr(self) -> float:
        """The learning rate the next update will use."""
        if callable(self.lr):
            value = float(self.lr(self.t))
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"the lr schedule returned {value} at step {self.t}")
            return value
        return float(self.lr)

    def reset(self) -> None:
        """Forget all state and set the step count back to zero."""
        self.t = 0
        self.state = {}

    def step(self, params: Params, grad: Params) -> Params:
        """Return the parameters after one update with gradient ``grad``.

        ``params`` and ``grad`` are one array or dicts of arrays with the same keys and
        shapes; the inputs are not modified.
        """
        check_same_structure(params, grad)
        lr = self.current_lr()
        if isinstance(params, dict):
            if not self.state:
                self._create_state(params)
            new = {}
            for k in params:
                leaf_state = {name: self.state[name][k] for name in self.state}
                new[k] = self._update(
                    np.asarray(params[k], dtype=float), np.asarray(grad[k], dtype=float), leaf_state, lr
                )
                for name in self.state:
                    self.state[name][k] = leaf_state[name]
        else:
            x = np.asarray(params, dtype=float)
            if not self.state:
                self._create_state(x)
            leaf_state = dict(self.state)
            new = self._update(x, np.asarray(grad, dtype=float), leaf_state, lr)
            self.state.update(leaf_state)
        self.t += 1
        return new

    # -- to be written by subclasses ----------------------------------------------------
    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        raise NotImplementedError

    # -- helpers ------------------------------------------------------------------------
    def _create_state(self, params: Params) -> None:
        if isinstance(params, dict):
            per_key = {k: self._init_state(np.asarray(v, dtype=float)) for k, v in params.items()}
            names = next(iter(per_key.values())).keys()
            self.state = {name: {k: per_key[k][name] for k in params} for name in names}
        else:
            self.state = self._init_state(params)

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({hyper})"

    def _hyper(self) -> dict[str, Any]:
        return {"lr": self.lr}
