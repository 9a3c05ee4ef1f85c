r"""Weight initializers: zeros, constant, uniform, normal, Xavier/Glorot, He/Kaiming, LeCun, orthogonal.

A layer computes ``h @ W + b``, so a weight matrix has shape ``(fan_in, fan_out)``: rows are
inputs, columns are outputs (``torch.nn.Linear`` stores the transpose, ``(out, in)``).  For
arrays with more than two axes the last two are ``(in, out)`` and the leading axes form a
receptive field, as in Keras kernels: ``fan_in = in * receptive`` and ``fan_out = out * receptive``.

Every random initializer takes an explicit ``rng: numpy.random.Generator``; nothing here touches
global random state.  The variance rules, with gain :math:`g`:

* ``xavier_uniform``: :math:`U(-b, b)` with :math:`b = g\sqrt{6/(n_{in}+n_{out})}`, so the variance is
  :math:`2g^2/(n_{in}+n_{out})`; ``xavier_normal`` draws :math:`N(0, 2g^2/(n_{in}+n_{out}))`
  (Glorot and Bengio, 2010).
* ``he_uniform``: :math:`U(-b, b)` with :math:`b = g\sqrt{3/n_{in}}`, variance :math:`g^2/n_{in}` and
  default :math:`g = \sqrt{2}`; ``he_normal`` draws :math:`N(0, g^2/n_{in})` (He et al., 2015).
* ``lecun_uniform`` and ``lecun_normal``: the same with :math:`g = 1`, variance :math:`1/n_{in}`
  (LeCun et al., 1998).
* ``orthogonal``: a random (semi-)orthogonal matrix times :math:`g` (Saxe et al., 2014).

References
----------
X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward neural
networks", AISTATS 2010.

K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: surpassing human-level
performance on ImageNet classification", ICCV 2015.

Y. LeCun, L. Bottou, G. Orr and K.-R. Müller, "Efficient BackProp", in *Neural Networks:
Tricks of the Trade*, Springer 1998.

A. M. Saxe, J. L. McClelland and S. Ganguli, "Exact solutions to the nonlinear dynamics of
learning in deep linear neural networks", ICLR 2014.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from gdlearn._validate import check_nonnegative, check_positive, check_rng

__all__ = [
    "fan_in_fan_out",
    "calculate_gain",
    "zeros",
    "constant",
    "uniform",
    "normal",
    "xavier_uniform",
    "xavier_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "orthogonal",
    "get_initializer",
    "INITIALIZERS",
]


# -- helpers -----------------------------------------------------------------------------------
def _check_shape(shape: Any, min_ndim: int = 0) -> tuple[int, ...]:
    """Return ``shape`` as a tuple of positive ints, or raise naming ``shape``."""
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"shape must be an int or a tuple of ints, got {type(shape).__name__}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral):
            raise TypeError(f"shape must hold integers, got {shape!r}")
        if d < 1:
            raise ValueError(f"shape must hold positive integers, got {shape!r}")
    if len(dims) < min_ndim:
        raise ValueError(f"shape must have at least {min_ndim} dimensions, got {shape!r}")
    return tuple(int(d) for d in dims)




def _check_real(name: str, value: Any) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    return float(value)


def _uniform_bound(shape: Any, rng: Any, bound: float) -> np.ndarray:
    return check_rng(rng).uniform(-bound, bound, size=_check_shape(shape))


def _normal_std(shape: Any, rng: Any, std: float) -> np.ndarray:
    return check_rng(rng).normal(0.0, std, size=_check_shape(shape))


# -- fans and gains ----------------------------------------------------------------------------
def fan_in_fan_out(shape: int | tuple[int, ...]) -> tuple[int, int]:
    """Number of inputs and outputs of a weight array of the given shape.

    Parameters
    ----------
    shape : tuple of int
        ``(fan_in, fan_out)``, or ``(*receptive, in, out)`` for more than two axes.

    Returns
    -------
    fan_in, fan_out : int
        For 2-D shapes, ``shape[0]`` and ``shape[1]``.  For more axes, ``in`` and ``out`` each
        multiplied by the product of the leading (receptive-field) axes.

    Raises
    ------
    ValueError
        If ``shape`` has fewer than two axes (a bias vector has no fan) or a non-positive entry.

    Examples
    --------
    >>> fan_in_fan_out((784, 128))
    (784, 128)
    >>> fan_in_fan_out((3, 3, 16, 32))
    (144, 288)
    """
    dims = _check_shape(shape, min_ndim=2)
    receptive = math.prod(dims[:-2])
    return dims[-2] * receptive, dims[-1] * receptive


_UNIT_GAIN = {"linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
              "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""Recommended gain for a nonlinearity, with the same values as ``torch.nn.init.calculate_gain``.

    ``linear``, ``identity``, ``sigmoid`` and the ``conv`` names give :math:`1`; ``tanh`` gives
    :math:`5/3`; ``relu`` :math:`\sqrt{2}`; ``selu`` :math:`3/4`; ``leaky_relu`` with negative
    slope :math:`s` (``param``, default 0.01) gives :math:`\sqrt{2/(1 + s^2)}`.

    Parameters
    ----------
    nonlinearity : str
        Name of the activation (case-insensitive).
    param : float, optional
        Negative slope of ``leaky_relu``; ignored by the others.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the name is unknown.

    Examples
    --------
    >>> round(calculate_gain("relu"), 4)
    1.4142
    """
    if not isinstance(nonlinearity, str):
        raise TypeError(f"nonlinearity must be a string, got {type(nonlinearity).__name__}")
    name = nonlinearity.lower()
    if name in _UNIT_GAIN:
        return 1.0
    if name == "tanh":
        return 5.0 / 3.0
    if name == "relu":
        return math.sqrt(2.0)
    if name == "selu":
        return 3.0 / 4.0
    if name == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise TypeError(f"param must be a number (the negative slope), got {type(param).__name__}")
        return math.sqrt(2.0 / (1.0 + slope**2))
    known = sorted(_UNIT_GAIN | {"tanh", "relu", "selu", "leaky_relu"})
    raise ValueError(f"unknown nonlinearity {nonlinearity!r}; known: {', '.join(known)}")


# -- deterministic -----------------------------------------------------------------------------
def zeros(shape: int | tuple[int, ...]) -> np.ndarray:
    """An array of zeros (the usual bias initialization; never for weights, it keeps units identical)."""
    return np.zeros(_check_shape(shape))


def constant(shape: int | tuple[int, ...], value: float) -> np.ndarray:
    """An array filled with ``value`` (a finite real number)."""
    return np.full(_check_shape(shape), _check_real("value", value))


# -- plain random ------------------------------------------------------------------------------
def uniform(shape: int | tuple[int, ...], rng: np.random.Generator, low: float = -0.05,
            high: float = 0.05) -> np.ndarray:
    r"""Entries drawn independently from :math:`U(\text{low}, \text{high})`."""
    low, high = _check_real("low", low), _check_real("high", high)
    if not low < high:
        raise ValueError(f"low must be < high, got low={low}, high={high}")
    return check_rng(rng).uniform(low, high, size=_check_shape(shape))


def normal(shape: int | tuple[int, ...], rng: np.random.Generator, std: float = 0.01,
           mean: float = 0.0) -> np.ndarray:
    r"""Entries drawn independently from :math:`N(\text{mean}, \text{std}^2)`."""
    std, mean = check_nonnegative("std", std), _check_real("mean", mean)
    return check_rng(rng).normal(mean, std, size=_check_shape(shape))


# -- variance-scaling --------------------------------------------------------------------------
def xavier_uniform(shape: tuple[int, ...], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""Glorot/Xavier uniform initialization.

    .. math::

        \begin{aligned}
        W_{ij} &\sim U(-b, b), \qquad b = g\sqrt{\frac{6}{n_{in} + n_{out}}}, \\
        \operatorname{Var} W_{ij} &= \frac{2 g^2}{n_{in} + n_{out}}.
        \end{aligned}

    The variance is the compromise between keeping activations (:math:`1/n_{in}`) and
    back-propagated gradients (:math:`1/n_{out}`) at constant scale through a linear layer.

    Parameters
    ----------
    shape : tuple of int
        ``(fan_in, fan_out)``.
    rng : numpy.random.Generator
        Source of random numbers.
    gain : float, default 1.0
        Scale factor :math:`g` (see :func:`calculate_gain`; 5/3 for tanh).

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS 2010.
    """
    fan_in, fan_out = fan_in_fan_out(shape)
    gain = check_positive("gain", gain)
    return _uniform_bound(shape, rng, gain * math.sqrt(6.0 / (fan_in + fan_out)))


def xavier_normal(shape: tuple[int, ...], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""Glorot/Xavier normal initialization.

    .. math::

        W_{ij} \sim N(0, \sigma^2), \qquad \sigma = g\sqrt{\frac{2}{n_{in} + n_{out}}}.

    Parameters
    ----------
    shape : tuple of int
        ``(fan_in, fan_out)``.
    rng : numpy.random.Generator
        Source of random numbers.
    gain : float, default 1.0
        Scale factor :math:`g`.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS 2010.
    """
    fan_in, fan_out = fan_in_fan_out(shape)
    gain = check_positive("gain", gain)
    return _normal_std(shape, rng, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def he_uniform(shape: tuple[int, ...], rng: np.random.Generator, gain: float = math.sqrt(2.0)) -> np.ndarray:
    r"""He/Kaiming uniform initialization (fan-in mode).

    .. math::

        \begin{aligned}
        W_{ij} &\sim U(-b, b), \qquad b = g\sqrt{\frac{3}{n_{in}}}, \\
        \operatorname{Var} W_{ij} &= \frac{g^2}{n_{in}}, \qquad g = \sqrt{2}\ \text{for ReLU}.
        \end{aligned}

    A ReLU zeroes half of its inputs on average, halving the second moment; the factor 2 restores it.

    Parameters
    ----------
    shape : tuple of int
        ``(fan_in, fan_out)``.
    rng : numpy.random.Generator
        Source of random numbers.
    gain : float, default sqrt(2)
        Scale factor :math:`g` (``calculate_gain("leaky_relu", a)`` for a leaky ReLU).

    References
    ----------
    K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: surpassing
    human-level performance on ImageNet classification", ICCV 2015.
    """
    fan_in, _ = fan_in_fan_out(shape)
    gain = check_positive("gain", gain)
    return _uniform_bound(shape, rng, gain * math.sqrt(3.0 / fan_in))


def he_normal(shape: tuple[int, ...], rng: np.random.Generator, gain: float = math.sqrt(2.0)) -> np.ndarray:
    r"""He/Kaiming normal initialization (fan-in mode).

    .. math::

        W_{ij} \sim N(0, \sigma^2), \qquad \sigma = \frac{g}{\sqrt{n_{in}}}, \quad g = \sqrt{2}.

    Parameters
    ----------
    shape : tuple of int
        ``(fan_in, fan_out)``.
    rng : numpy.random.Generator
        Source of random numbers.
    gain : float, default sqrt(2)
        Scale factor :math:`g`.

    References
    ----------
    K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: surpassing
    human-level performance on ImageNet classification", ICCV 2015.
    """
    fan_in, _ = fan_in_fan_out(shape)
    gain = check_positive("gain", gain)
    return _normal_std(shape, rng, gain / math.sqrt(fan_in))


def lecun_uniform(shape: tuple[int, ...], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""LeCun uniform initialization: variance :math:`g^2/n_{in}`, bound :math:`g\sqrt{3/n_{in}}`.

    Parameters
    ----------
    shape : tuple of int
        ``(fan_in, fan_out)``.
    rng : numpy.random.Generator
        Source of random numbers.
    gain : float, default 1.0
        Scale factor :math:`g`.

    References
    ----------
    Y. LeCun, L. Bottou, G. Orr and K.-R. Müller, "Efficient BackProp", 1998.
    """
    return he_uniform(shape, rng, gain=gain)


def lecun_normal(shape: tuple[int, ...], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""LeCun normal initialization: :math:`N(0, g^2/n_{in})` (a plain, untruncated normal).

    Parameters
    ----------
    shape : tuple of int
        ``(fan_in, fan_out)``.
    rng : numpy.random.Generator
        Source of random numbers.
    gain : float, default 1.0
        Scale factor :math:`g`.

    References
    ----------
    Y. LeCun, L. Bottou, G. Orr and K.-R. Müller, "Efficient BackProp", 1998.
    """
    return he_normal(shape, rng, gain=gain)


def orthogonal(shape: tuple[int, ...], rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    r"""A (semi-)orthogonal matrix times ``gain``.

    A Gaussian matrix is factored as :math:`QR`; the signs of :math:`R`'s diagonal are moved into
    :math:`Q` so that :math:`Q` is uniformly (Haar) distributed.  With ``W`` of shape ``(n, m)``:
    :math:`W^\top W = g^2 I_m` when :math:`n \ge m` (orthonormal columns), else
    :math:`W W^\top = g^2 I_n` (orthonormal rows).  More than two axes are flattened to
    ``(prod(shape[:-1]), shape[-1])``.

    Parameters
    ----------
    shape : tuple of int
        At least two axes.
    rng : numpy.random.Generator
        Source of random numbers.
    gain : float, default 1.0
        Scale factor :math:`g`.

    References
    ----------
    A. M. Saxe, J. L. McClelland and S. Ganguli, "Exact solutions to the nonlinear dynamics
    of learning in deep linear neural networks", ICLR 2014.
    """
    dims = _check_shape(shape, min_ndim=2)
    gain = check_positive("gain", gain)
    rows, cols = math.prod(dims[:-1]), dims[-1]
    a = check_rng(rng).normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    if rows < cols:
        q = q.T
    return gain * q.reshape(dims)


# -- registry ----------------------------------------------------------------------------------
INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "zeros": zeros,
    "uniform": uniform,
    "normal": normal,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_uniform": lecun_uniform,
    "lecun_normal": lecun_normal,
    "orthogonal": orthogonal,
}
"""Initializers by name (``constant`` needs a value: use ``get_initializer("constant", value=...)``)."""

_ALIASES = {
    "glorot_uniform": "xavier_uniform",
    "glorot_normal": "xavier_normal",
    "kaiming_uniform": "he_uniform",
    "kaiming_normal": "he_normal",
}


def get_initializer(name: str | Callable[..., np.ndarray], **kwargs: Any) -> Callable[..., np.ndarray]:
    """Look an initializer up by name and return a callable ``f(shape, rng)``.

    Parameters
    ----------
    name : str or callable
        One of :data:`INITIALIZERS` (or ``"constant"``, or the aliases ``glorot_*``/``kaiming_*``),
        case-insensitive.  A callable is returned unchanged (it must accept ``(shape, rng)``).
    **kwargs
        Keyword arguments fixed in the returned callable, e.g. ``gain=5/3`` or ``value=0.1``;
        without them each initializer uses its default gain.

    Returns
    -------
    callable
        ``f(shape, rng)``; ``rng`` is ignored by ``zeros`` and ``constant``.

    Raises
    ------
    ValueError
        If the name is unknown (the message lists the known names).

    Examples
    --------
    >>> init = get_initializer("he_normal")
    >>> init((4, 3), np.random.default_rng(0)).shape
    (4, 3)
    """
    if callable(name):
        if kwargs:
            raise TypeError("keyword arguments can only be given with an initializer name")
        return name
    if not isinstance(name, str):
        raise TypeError(f"name must be a string or a callable, got {type(name).__name__}")
    key = _ALIASES.get(name.lower(), name.lower())
    if key == "constant":
        if "value" not in kwargs:
            raise ValueError('get_initializer("constant") needs value=..., e.g. value=0.1')
        return lambda shape, rng=None: constant(shape, **kwargs)
    if key not in INITIALIZERS:
        known = sorted(set(INITIALIZERS) | set(_ALIASES) | {"constant"})
        raise ValueError(f"unknown initializer {name!r}; known: {', '.join(known)}")
    fn = INITIALIZERS[key]
    if fn is zeros:
        if kwargs:
            raise TypeError(f"zeros takes no keyword arguments, got {sorted(kwargs)}")
        return lambda shape, rng=None: zeros(shape)

    def initializer(shape: Any, rng: np.random.Generator) -> np.ndarray:
        return fn(shape, rng, **kwargs)

    initializer.__name__ = key
    initializer.__doc__ = fn.__doc__
    return initializer
