"""Parameters as one array or a dict of arrays ("a tree"), and the few operations on them.

The MLP keeps its weights in a dict such as ``{"W1": ..., "b1": ..., "W2": ...}``; every other
model uses one array.  Optimizers, the training loop and the gradient checker accept both.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gdlearn._validate import check_finite_array

Params = np.ndarray | dict[str, np.ndarray]

__all__ = [
    "Params",
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


def as_params(name: str, params: Params) -> Params:
    """Validate a starting point: finite float arrays, one array or a dict of them (copied)."""
    if isinstance(params, dict):
        if not params:
            raise ValueError(f"{name} is an empty dict")
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


def tree_norm(tree: Params) -> float:
    """Euclidean norm of all entries of a tree taken together."""
    return float(np.sqrt(sum(float(np.sum(np.square(leaf))) for leaf in tree_leaves(tree))))


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
    return np.concatenate([np.ravel(np.asarray(leaf, dtype=float)) for leaf in tree_leaves(tree)])


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
