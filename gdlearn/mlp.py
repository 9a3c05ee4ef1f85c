r"""A small multilayer perceptron in numpy, with backpropagation written out.

Layer :math:`l = 1, \dots, L` maps :math:`h_{l-1}` (with :math:`h_0 = X`) to

.. math::

    z_l = h_{l-1} W_l + b_l, \qquad h_l = \phi_l(z_l),

where :math:`W_l` has shape ``(fan_in, fan_out)``, :math:`\phi_l` is the hidden activation for
:math:`l < L` and the output layer's logits :math:`z_L` feed the loss directly.  Backpropagation
runs the chain rule from the top, with :math:`\delta_l = \partial J / \partial z_l`:

.. math::

    \begin{aligned}
    \delta_L &= \frac{1}{n}(\hat y - Y), \\
    \frac{\partial J}{\partial W_l} &= h_{l-1}^\top \delta_l + \lambda W_l, \\
    \frac{\partial J}{\partial b_l} &= \textstyle\sum_i \delta_{l,i}, \\
    \delta_{l-1} &= (\delta_l W_l^\top) \odot \phi_{l-1}'(z_{l-1}).
    \end{aligned}

Here :math:`\hat y` is :math:`z_L` for a linear output, :math:`\sigma(z_L)` for a sigmoid
output and :math:`\operatorname{softmax}(z_L)` for a softmax output: for each pairing of output
and loss below the derivative of the loss with respect to the logits takes this same form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gdlearn._data_loss import DataLoss, check_labels
from gdlearn._validate import check_int, check_rng
from gdlearn.functional import logsumexp, sigmoid, softmax
from gdlearn.init import get_initializer

__all__ = ["MLP", "ACTIVATIONS"]

ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
"""Names of the hidden activations."""

_OUTPUTS = ("linear", "sigmoid", "softmax")


def _act(name: str, z: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    return z


def _act_derivative(name: str, z: np.ndarray, h: np.ndarray) -> np.ndarray:
    """phi'(z), using the stored output h = phi(z) where that is cheaper."""
    if name == "sigmoid":
        return h * (1.0 - h)
    if name == "tanh":
        return 1.0 - h**2
    if name == "relu":
        return (z > 0).astype(float)
    return np.ones_like(z)


def _check_activation(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"activation must be a string, got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {name!r}")
    return name


class MLP(DataLoss):
    r"""A fully connected network bound to a data set, with exact gradients by backpropagation.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        Inputs (finite, non-empty).
    y : array_like
        Targets: real values of shape ``(n,)`` or ``(n, k)`` for ``output="linear"``; 0/1 labels
        of shape ``(n,)`` or ``(n, k)`` for ``"sigmoid"``; integer class labels of shape ``(n,)``
        for ``"softmax"``.
    hidden : sequence of int, default (16,)
        Widths of the hidden layers (any number, ``()`` for none).
    activation : str or sequence of str, default "tanh"
        ``"sigmoid"``, ``"tanh"``, ``"relu"`` or ``"identity"``; one name for every hidden
        layer, or one per hidden layer.
    output : {"linear", "sigmoid", "softmax"}, default "linear"
        Output layer and loss, with logits :math:`Z = z_L` of shape ``(n, k)``:

        * ``"linear"``: half the squared error, summed over outputs and averaged over rows,
          :math:`J = \frac{1}{2n}\sum_i \|Z_i - y_i\|^2` (for ``k = 1`` exactly the scaling of
          :class:`~gdlearn.models.LinearRegression`);
        * ``"sigmoid"``: binary cross-entropy from the logits, summed over outputs and averaged
          over rows, :math:`J = \frac1n\sum_{i,j} [\log(1 + e^{Z_{ij}}) - y_{ij} Z_{ij}]`;
        * ``"softmax"``: cross-entropy :math:`J = \frac1n\sum_i [\log\sum_k e^{Z_{ik}} - Z_{i y_i}]`.
    l2 : float, default 0.0
        Adds :math:`\frac{\lambda}{2}\sum_l \|W_l\|_F^2` (weights only, not biases).
    n_classes : int, optional
        Output width for ``"softmax"`` (default ``max(y) + 1``), e.g. when a minibatch or a
        split lacks the last class.

    Attributes
    ----------
    layer_sizes : list of int
        ``[n_features, *hidden, n_outputs]``.
    n_layers : int
        Number of weight layers :math:`L`.
    activation : list of str
        The activation of each hidden layer.

    Notes
    -----
    Parameters are a dict ``{"W1": ..., "b1": ..., "W2": ..., ...}``; layer ``l`` has ``W{l}``
    of shape ``(layer_sizes[l-1], layer_sizes[l])`` and ``b{l}`` of shape ``(layer_sizes[l],)``.
    """

    def __init__(self, X: Any, y: Any, hidden: Sequence[int] = (16,),
                 activation: str | Sequence[str] = "tanh", output: str = "linear", l2: float = 0.0,
                 n_classes: int | None = None) -> None:
        if output not in _OUTPUTS:
            raise ValueError(f"output must be one of {', '.join(_OUTPUTS)}; got {output!r}")
        super().__init__(X, y, l2, y_ndim=(1,) if output == "softmax" else (1, 2))
        self.output = output
        if isinstance(hidden, int):
            hidden = (hidden,)
        if not isinstance(hidden, Sequence):
            raise TypeError(f"hidden must be a sequence of layer widths, got {type(hidden).__name__}")
        hidden = [check_int("hidden", h, minimum=1) for h in hidden]
        if isinstance(activation, str) or not isinstance(activation, Sequence):
            activation = [_check_activation(activation)] * len(hidden)
        if len(activation) != len(hidden):
            raise ValueError(f"activation lists {len(activation)} names for {len(hidden)} hidden layers")
        self.activation = [_check_activation(a) for a in activation]
        self._flat_y = self.y.ndim == 1
        if n_classes is not None and output != "softmax":
            raise ValueError("n_classes is only for output='softmax'")
        if output == "softmax":
            self.y, n_out = check_labels(self.y, n_classes)
            self._target = np.eye(n_out)[self.y]
        else:
            if output == "sigmoid" and not np.all((self.y == 0) | (self.y == 1)):
                raise ValueError("y must hold labels 0 and 1 only for output='sigmoid'")
            self._target = self.y.reshape(self.n_samples, -1)
            n_out = self._target.shape[1]
        self.layer_sizes = [self.n_features, *hidden, n_out]
        self.n_layers = len(self.layer_sizes) - 1

    # -- parameters -------------------------------------------------------------------------
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Shape of every parameter, in the order ``W1, b1, W2, b2, ...``."""
        out: dict[str, tuple[int, ...]] = {}
        sizes = self.layer_sizes
        for l in range(1, self.n_layers + 1):
            out[f"W{l}"], out[f"b{l}"] = (sizes[l - 1], sizes[l]), (sizes[l],)
        return out

    @property
    def n_params(self) -> int:
        """Total number of weights and biases."""
        return int(sum(np.prod(s) for s in self.shapes().values()))

    def init(self, rng: np.random.Generator, scheme: Any = "xavier_normal", bias: float = 0.0) -> dict:
        """Fresh parameters: weights from :func:`gdlearn.init.get_initializer`, biases constant.

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of random numbers.
        scheme : str, callable or list, default "xavier_normal"
            An initializer name (or a callable ``f(shape, rng)``) for every layer, or a list
            with one per layer.
        bias : float, default 0.0
            Value of every bias entry.

        Returns
        -------
        dict
        """
        check_rng(rng)
        schemes = list(scheme) if isinstance(scheme, (list, tuple)) else [scheme] * self.n_layers
        if len(schemes) != self.n_layers:
            raise ValueError(f"scheme lists {len(schemes)} initializers for {self.n_layers} layers")
        if isinstance(bias, bool) or not isinstance(bias, (int, float)) or not np.isfinite(bias):
            raise ValueError(f"bias must be a finite number, got {bias!r}")
        params = {}
        for l, s in enumerate(schemes, 1):
            shape = self.shapes()[f"W{l}"]
            params[f"W{l}"] = np.asarray(get_initializer(s)(shape, rng), dtype=float)
            params[f"b{l}"] = np.full(shape[1], float(bias))
        return params

    def _check_params(self, params: Any) -> dict:
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict of arrays with keys {list(self.shapes())}, "
                            f"got {type(params).__name__}")
        shapes = self.shapes()
        if set(params) != set(shapes):
            raise ValueError(f"params must have keys {sorted(shapes)}, got {sorted(params)}")
        out = {}
        for k, shape in shapes.items():
            out[k] = np.asarray(params[k], dtype=float)
            if out[k].shape != shape:
                raise ValueError(f"params[{k!r}] must have shape {shape}, got {out[k].shape}")
        return out

    # -- forward and backward ------------------------------------------------------------------
    def forward(self, params: dict, X: Any = None) -> tuple[np.ndarray, dict]:
        """Run the network.

        Returns
        -------
        output : numpy.ndarray, shape (n, n_outputs)
            Predictions for a linear output, probabilities for sigmoid and softmax outputs.
        cache : dict
            ``"input"``: the inputs; ``"pre"``: list of :math:`z_l` per layer; ``"post"``: list
            of :math:`h_l` per layer (the last is ``output``).
        """
        p = self._check_params(params)
        return self._forward(p, self._predict_X(X))

    def _forward(self, p: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:
        pre, post, h = [], [], X
        with np.errstate(over="ignore", invalid="ignore"):
            for l in range(1, self.n_layers + 1):
                z = h @ p[f"W{l}"] + p[f"b{l}"]
                if l < self.n_layers:
                    h = _act(self.activation[l - 1], z)
                elif self.output == "linear":
                    h = z
                else:
                    h = sigmoid(z) if self.output == "sigmoid" else softmax(z, axis=1)
                pre.append(z)
                post.append(h)
        return h, {"input": X, "pre": pre, "post": post}

    def _penalty(self, p: dict) -> float:
        return 0.5 * self.l2 * sum(float(np.sum(p[f"W{l}"] ** 2)) for l in range(1, self.n_layers + 1))

    def value(self, params: dict, idx: Any = None) -> float:
        """Loss on all rows or on the rows ``idx`` (see ``output`` for the exact formula), plus L2."""
        p = self._check_params(params)
        X, _ = self._rows(idx)
        T = self._target if idx is None else self._target[np.asarray(idx)]
        _, cache = self._forward(p, X)
        Z = cache["pre"][-1]
        with np.errstate(over="ignore", invalid="ignore"):
            if self.output == "linear":
                data = 0.5 * np.sum((Z - T) ** 2) / len(X)
            elif self.output == "sigmoid":
                data = np.sum(np.logaddexp(0.0, Z) - T * Z) / len(X)
            else:
                data = np.mean(logsumexp(Z, axis=1) - np.sum(T * Z, axis=1))
            return float(data + self._penalty(p))

    def grad(self, params: dict, idx: Any = None) -> dict:
        """Gradient by backpropagation: a dict with the keys and shapes of ``params``."""
        p = self._check_params(params)
        X, _ = self._rows(idx)
        T = self._target if idx is None else self._target[np.asarray(idx)]
        out, cache = self._forward(p, X)
        g: dict[str, np.ndarray] = {}
        with np.errstate(over="ignore", invalid="ignore"):
            delta = (out - T) / len(X)
            for l in range(self.n_layers, 0, -1):
                h_prev = cache["post"][l - 2] if l > 1 else X
                g[f"W{l}"] = h_prev.T @ delta + self.l2 * p[f"W{l}"]
                g[f"b{l}"] = delta.sum(axis=0)
                if l > 1:
                    name = self.activation[l - 2]
                    delta = (delta @ p[f"W{l}"].T) * _act_derivative(name, cache["pre"][l - 2], h_prev)
        return {k: g[k] for k in self.shapes()}

    # -- diagnostics and prediction ------------------------------------------------------------
    def layer_grad_norms(self, params: dict, idx: Any = None) -> np.ndarray:
        r"""Frobenius norm :math:`\|\partial J/\partial W_l\|` of each layer's weight gradient
        (L2 term included), shape ``(n_layers,)``: small values in the first layers signal
        vanishing gradients."""
        g = self.grad(params, idx)
        return np.array([np.linalg.norm(g[f"W{l}"]) for l in range(1, self.n_layers + 1)])

    def activations(self, params: dict, X: Any = None) -> list[np.ndarray]:
        """Post-activation :math:`h_l` of every layer (the last is the network output)."""
        return self.forward(params, X)[1]["post"]

    def predict(self, params: dict, X: Any = None) -> np.ndarray:
        """Predicted values (linear; shape ``(n,)`` when ``y`` was 1-D) or labels (classifiers)."""
        out, _ = self.forward(params, X)
        if self.output == "softmax":
            return np.argmax(out, axis=1)
        if self.output == "sigmoid":
            out = (out >= 0.5).astype(int)
        return out[:, 0] if self._flat_y else out

    def score(self, params: dict, X: Any = None, y: Any = None) -> float:
        """Accuracy of :meth:`predict` (classifiers only) on ``(X, y)``, by default the training data."""
        if self.output == "linear":
            raise ValueError("score is accuracy, defined for output='sigmoid' or 'softmax' only")
        pred = self.predict(params, X)
        y = self.y if y is None else np.asarray(y)
        if y.shape != pred.shape:
            raise ValueError(f"y must have shape {pred.shape}, got {y.shape}")
        return float(np.mean(pred == y))

    def __repr__(self) -> str:
        return (f"MLP(layer_sizes={self.layer_sizes}, activation={self.activation}, "
                f"output={self.output!r}, l2={self.l2})")

