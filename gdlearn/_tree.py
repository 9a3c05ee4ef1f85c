"""Parameters as one array or a dict of arrays ("a tree"), and the few operations on them.

The MLP keeps its weights in a dict such as ``{"W1": ..., "b1": ..., "W2": ...}``; every other
model uses one array.  Optimizers, the training loop and the gradient checker accept both.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from gdlearn._validate import as_real_array, check_finite_array

Params = np.ndarray | dict[str, np.ndarray]

__all__ = [
    "Params",
    "as_tree",
    "signature",
    "as_params",
    "tree_map",
    "tree_leaves",
    "tree_norm",
    "tree_all_finite",
    "tree_copy",
    "check_same_structure",
    "flatten",
    "unflatten",
]


def _check_shape_of_tree(name: str, tree: object) -> None:
    """The one place that says which parameter structures gdlearn accepts."""
    if isinstance(tree, (list, tuple)):
        raise TypeError(
            f"{name} is a {type(tree).__name__}; gdlearn takes one array or a dict of arrays "
            "(a list or tuple is ambiguous: stack it into one array, or name its parts in a dict)"
        )
    if isinstance(tree, dict):
        if not tree:
            raise ValueError(f"{name} is an empty dict: there is nothing to optimize")
        for k, v in tree.items():
            if not isinstance(k, str):
                raise TypeError(f"{name} has the key {k!r}; dict keys must be strings")
            if isinstance(v, (dict, list, tuple)):
                raise TypeError(
                    f"{name}[{k!r}] is a {type(v).__name__}; nested structures are not supported: "
                    "use one flat dict of arrays, e.g. {'layer1.W': ..., 'layer1.b': ...}"
                )


def as_tree(name: str, tree: object) -> Params:
    """Check a parameter-like tree and convert its leaves (dtype policy of ``as_real_array``)."""
    _check_shape_of_tree(name, tree)
    if isinstance(tree, dict):
        return {k: as_real_array(f"{name}[{k!r}]", v) for k, v in tree.items()}
    return as_real_array(name, tree)


def signature(tree: Params) -> tuple:
    """Structure, shapes and dtypes of a tree: what an optimizer's state is bound to."""
    if isinstance(tree, dict):
        return tuple(sorted((k, np.shape(v), np.asarray(v).dtype.str) for k, v in tree.items()))
    return ((None, np.shape(tree), np.asarray(tree).dtype.str),)


def describe(sig: tuple) -> str:
    """A signature in words, for error messages."""
    parts = [f"{'' if k is None else repr(k) + ': '}shape {shape} {np.dtype(dt).name}"
             for k, shape, dt in sig]
    return "{" + ", ".join(parts) + "}" if sig and sig[0][0] is not None else parts[0]


def as_params(name: str, params: Params) -> Params:
    """Validate a starting point: finite real arrays, one array or a dict of them (copied)."""
    _check_shape_of_tree(name, params)
    if isinstance(params, dict):
        return {k: check_finite_array(f"{name}[{k!r}]", v).copy() for k, v in params.items()}
    return check_finite_array(name, params).copy()


def tree_map(fn: Callable[..., np.ndarray], tree: Params, *rest: Params) -> Params:
    """Apply ``fn`` leaf by leaf to one or more trees of the same structure."""
    if isinstance(tree, dict):
        return {k: fn(tree[k], *(r[k] for r in rest)) for k in tree}
    return fn(tree, *rest)


def tree_leaves(tree: Params) -> list[np.ndarray]:
    """The arrays of a tree, in key order for a dict."""
    if isinstance(tree, dict):
        return [tree[k] for k in tree]
    return [tree]


def _sq_norm(a: np.ndarray) -> float:
    a = a.ravel()
    return float(np.dot(a, a))


def tree_norm(tree: Params) -> float:
    """Euclidean norm of all entries of a tree taken together."""
    if isinstance(tree, dict):
        return math.sqrt(sum(_sq_norm(np.asarray(leaf)) for leaf in tree.values()))
    return math.sqrt(_sq_norm(np.asarray(tree)))


def tree_all_finite(tree: Params) -> bool:
    """True when every entry of every leaf is finite."""
    return all(bool(np.all(np.isfinite(leaf))) for leaf in tree_leaves(tree))


def tree_copy(tree: Params) -> Params:
    """A deep copy of the arrays of a tree."""
    return tree_map(np.copy, tree)


def check_same_structure(params: Params, grad: Params) -> None:
    """Raise a clear error when ``grad`` does not match ``params`` leaf for leaf."""
    if isinstance(params, dict) != isinstance(grad, dict):
        raise TypeError("grad must have the same structure as params (both arrays or both dicts)")
    if isinstance(params, dict):
        if set(params) != set(grad):
            raise ValueError(f"grad keys {sorted(grad)} differ from params keys {sorted(params)}")
        for k in params:
            if np.shape(grad[k]) != np.shape(params[k]):
                raise ValueError(
                    f"grad[{k!r}] has shape {np.shape(grad[k])}, params[{k!r}] has {np.shape(params[k])}"
                )
    elif np.shape(grad) != np.shape(params):
        raise ValueError(f"grad has shape {np.shape(grad)} but params has shape {np.shape(params)}")


def flatten(tree: Params) -> np.ndarray:
    """All entries of a tree as one 1-D float array (dict leaves in key order)."""
    return np.concatenate([np.ravel(as_real_array("leaf", leaf)) for leaf in tree_leaves(tree)])


def unflatten(vector: np.ndarray, like: Params) -> Params:
    """Inverse of :func:`flatten`: cut ``vector`` into arrays shaped like ``like``."""
    vector = np.asarray(vector, dtype=float)
    if isinstance(like, dict):
        out, start = {}, 0
        for k, leaf in like.items():
            size = np.size(leaf)
            out[k] = vector[start:start + size].reshape(np.shape(leaf))
            start += size
        return out
    return vector.reshape(np.shape(like))
