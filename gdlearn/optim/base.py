"""The optimizer base class: learning rate (a float or a schedule), step count, state bound to
its parameters, per-key settings, ``reset``, ``state_dict`` / ``load_state_dict``.

A concrete optimizer writes two small methods:

* ``_init_state(x)`` returns the per-parameter state arrays it needs (``{"exp_avg": zeros}``),
* ``_update(x, g, state, lr)`` returns the new parameter array, updating ``state`` in place.

The base class handles one array or a dict of arrays, input checks, the dtype policy, the step
count ``t`` (number of updates done so far), the learning-rate schedule, ``maximize`` and
per-key settings (``param_groups``).  ``step`` never modifies the arrays it is given: it returns
new ones.

**dtype policy.** float16, float32 and float64 parameters keep their dtype: the state is created
in the parameters' dtype and ``step`` returns arrays of that dtype (integers become float64;
complex numbers are refused).  The gradient is cast to the parameters' dtype.

**State bound to its parameters.** The first ``step`` records the structure (one array, or the
keys of a dict), the shapes and the dtypes of the parameters; a later ``step`` on anything else
raises ``ValueError``: call :meth:`Optimizer.reset` or make a new optimizer for new parameters.
"""

from __future__ import annotations

import copy
import fnmatch
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import numpy as np

from gdlearn._tree import Params, as_tree, check_same_structure, describe, signature
from gdlearn._validate import check_bool, check_positive

Schedule = Callable[[int], float]
LearningRate = float | Schedule

__all__ = ["Optimizer", "LearningRate", "Schedule"]

_ndarray = np.ndarray  # one lookup fewer on the hot path of step()

#: constructor arguments that are not per-key settings
_NOT_PER_KEY = {"param_groups", "maximize"}


def _check_lr(lr: Any) -> LearningRate:
    if isinstance(lr, type):
        raise TypeError(f"lr must be a number or a schedule instance, got the class {lr.__name__}")
    if callable(lr):
        return lr
    return check_positive("lr", lr)


def _lr_config(lr: LearningRate) -> Any:
    """The learning rate as plain data: a float, or a gdlearn schedule's class name and settings."""
    from gdlearn.schedules import BaseSchedule

    if isinstance(lr, BaseSchedule):
        return {"schedule": type(lr).__name__,
                "settings": {k: _settings_config(v) for k, v in vars(lr).items()}}
    if callable(lr):
        return {"callable": repr(lr)}
    return float(lr)


def _settings_config(value: Any) -> Any:
    from gdlearn.schedules import BaseSchedule

    if isinstance(value, BaseSchedule):
        return _lr_config(value)
    if isinstance(value, list):
        return [_settings_config(v) for v in value]
    return value


def _lr_from_config(config: Any, current: LearningRate) -> LearningRate:
    """Rebuild a learning rate saved by :func:`_lr_config` (a foreign callable keeps ``current``)."""
    import gdlearn.schedules as schedules

    if isinstance(config, dict) and "schedule" in config:
        settings = {k: _settings_from_config(v) for k, v in config["settings"].items()}
        return getattr(schedules, config["schedule"])(**settings)
    if isinstance(config, dict):
        return current
    return float(config)


def _settings_from_config(value: Any) -> Any:
    if isinstance(value, dict) and "schedule" in value:
        return _lr_from_config(value, None)  # type: ignore[arg-type]
    if isinstance(value, list):
        return [_settings_from_config(v) for v in value]
    return value


class Optimizer:
    """Base class of every optimizer in :mod:`gdlearn.optim`.

    Parameters
    ----------
    lr : float or callable
        Learning rate :math:`\\alpha`.  A callable ``lr(t)`` is a schedule: it receives the
        number of updates already made, ``t = 0, 1, 2, ...``, and returns the rate for the
        next update (see :mod:`gdlearn.schedules`).
    maximize : bool, default False
        Ascend instead of descend: the gradient's sign is flipped before the update (as
        ``maximize=True`` in ``torch.optim``).
    param_groups : list of dict, optional
        Per-key settings for dict parameters, in the spirit of torch's parameter groups. Each
        group is a dict with ``"keys"`` (key names or glob patterns such as ``"b*"``) and the
        settings that differ for those keys, e.g.
        ``[{"keys": ["b1", "b2"], "weight_decay": 0.0}]`` for no decay on the biases, or
        ``[{"keys": ["W1"], "lr": 0.01}]``.  Any constructor argument of the optimizer except
        ``maximize`` may be set; the first group that matches a key wins.

    Attributes
    ----------
    t : int
        Number of updates made since construction or the last :meth:`reset`.
    state : dict
        Named state (moments, buffers); each value has the structure of the parameters
        (one array, or a dict of arrays with the parameters' keys).
    last_lr : float or None
        The learning rate of the last update (None before the first).
    needs_hessian, needs_value : bool
        Whether :meth:`step` takes the Hessian or the objective's value function as a third
        argument (class attributes; :func:`gdlearn.loop.minimize` passes it).
    """

    #: names of the state arrays, in the order ``_init_state`` creates them
    state_names: tuple[str, ...] = ()
    needs_hessian: ClassVar[bool] = False
    needs_value: ClassVar[bool] = False

    #: whether a subclass computes the learning rate itself (set for each subclass below)
    _own_current_lr: ClassVar[bool] = False
    #: a subclass whose ``_update`` always returns a new array of the parameters' dtype says so,
    #: and its results skip the conversion check
    _update_keeps_dtype: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._own_current_lr = cls.current_lr is not Optimizer.current_lr

    def __init__(self, lr: LearningRate, *, maximize: bool = False,
                 param_groups: Iterable[Mapping[str, Any]] | None = None) -> None:
        self.lr: LearningRate = _check_lr(lr)
        self.maximize = check_bool("maximize", maximize)
        self.param_groups = self._check_groups(param_groups)
        self._group_rules: dict[int, Optimizer] = {}
        self.reset()

    # -- public API -----------------------------------------------------------------
    def current_lr(self) -> float:
        """The learning rate the next update will use."""
        lr = self.lr
        return lr if type(lr) is float else self._lr_at(lr, self.t)

    def reset(self) -> None:
        """Forget all state and set the step count back to zero (the parameters may change)."""
        self.t = 0
        self.state: dict[str, Any] = {}
        self.last_lr: float | None = None
        self._signature: tuple | None = None
        self._fast: tuple | None = None

    def step(self, params: Params, grad: Params) -> Params:
        """Return the parameters after one update with gradient ``grad``.

        ``params`` and ``grad`` are one array or dicts of arrays with the same keys and
        shapes; the inputs are not modified.

        Raises
        ------
        ValueError
            If the parameters' structure, shapes or dtypes differ from those the state was
            created for (call :meth:`reset` first), or ``grad`` does not match ``params``.
        TypeError
            On a list, tuple, nested dict or complex input.
        """
        fast = self._fast  # (shape, dtype) of the array parameters seen before: skip the full checks
        # numpy's built-in dtypes are singletons, so `is` decides; anything else takes the checked path
        if (fast is not None and type(params) is _ndarray and type(grad) is _ndarray
                and params.shape == grad.shape == fast[0] and params.dtype is (dtype := fast[1])):
            if grad.dtype is not dtype:
                grad = grad.astype(dtype)
            lr = self.lr
            if type(lr) is not float or self._own_current_lr:
                lr = self.current_lr()
            if self.maximize:
                grad = -grad
            new = self._update(params, grad, self.state, lr)
            if not self._update_keeps_dtype and (
                    type(new) is not _ndarray or (new.dtype is not dtype and new.dtype != dtype)):
                new = np.asarray(new, dtype=dtype)
            self.t += 1
            self.last_lr = lr
            return new
        return self._checked_step(params, grad)

    def _checked_step(self, params: Params, grad: Params) -> Params:
        """``step`` with the full checks: the first step, a dict, a 0-d array, a new dtype."""
        params, grad = self._check_step_inputs(params, grad)
        lr = self.current_lr()
        if self.maximize:
            grad = {k: -v for k, v in grad.items()} if isinstance(grad, dict) else -grad
        if isinstance(params, dict):
            new = {}
            for k in params:
                rule, rule_lr = self._rule_for(k, lr)
                leaf_state = {name: per_key[k] for name, per_key in self.state.items() if k in per_key}
                new[k] = self._leaf_update(rule, params[k], grad[k], leaf_state, rule_lr)
                for name, value in leaf_state.items():
                    self.state[name][k] = value
        else:
            new = self._leaf_update(self, params, grad, self.state, lr)
        self.t += 1
        self.last_lr = lr
        return new

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The constructor's arguments and their values (read from its signature)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume this optimizer, as plain numbers, strings and arrays.

        The result holds copies (later steps do not change it) and can be pickled: a
        learning-rate schedule from :mod:`gdlearn.schedules` is saved as its class name and
        settings and rebuilt on load.  (Any other callable ``lr`` is not saved; the optimizer
        that loads the state keeps its own.)
        """
        hyper = {k: (_lr_config(v) if k == "lr" else copy.deepcopy(v))
                 for k, v in self.hyperparameters.items()}
        if "param_groups" in hyper:
            hyper["param_groups"] = [
                {k: (_lr_config(v) if k == "lr" else v) for k, v in group.items()}
                for group in self.param_groups
            ]
        return {
            "optimizer": type(self).__name__,
            "hyperparameters": hyper,
            "t": self.t,
            "state": copy.deepcopy(self.state),
            "signature": self._signature,
            "extra": copy.deepcopy(self._extra_state()),
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the hyper-parameters, step count and state saved by :meth:`state_dict`.

        Raises
        ------
        ValueError
            If the state was saved by another optimizer class.
        """
        name = state_dict.get("optimizer")
        if name != type(self).__name__:
            raise ValueError(f"this state was saved by {name}, not by {type(self).__name__}")
        hyper = dict(state_dict["hyperparameters"])
        hyper["lr"] = _lr_from_config(hyper["lr"], self.lr)
        if hyper.get("param_groups"):
            hyper["param_groups"] = [
                {k: (_lr_from_config(v, self.lr) if k == "lr" else v) for k, v in group.items()}
                for group in hyper["param_groups"]
            ]
        type(self).__init__(self, **hyper)
        self.t = int(state_dict["t"])
        self.state = copy.deepcopy(dict(state_dict["state"]))
        self._signature = state_dict["signature"]
        self._fast = None  # the next step checks the parameters against the signature in full
        self._load_extra_state(copy.deepcopy(state_dict.get("extra", {})))

    # -- to be written by subclasses ----------------------------------------------------
    def _init_state(self, x: np.ndarray) -> dict[str, np.ndarray]:
        return {}

    def _update(self, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray], lr: float) -> np.ndarray:
        raise NotImplementedError

    def _extra_state(self) -> dict[str, Any]:
        """State kept outside ``self.state`` (a learned rate, ...); saved by :meth:`state_dict`."""
        return {}

    def _load_extra_state(self, extra: dict[str, Any]) -> None:
        return None

    # -- helpers ------------------------------------------------------------------------
    @staticmethod
    def _lr_at(lr: LearningRate, t: int) -> float:
        if not callable(lr):
            return lr
        raw = lr(t)
        if isinstance(raw, bool) or not isinstance(raw, (int, float, np.integer, np.floating)):
            raise TypeError(f"the lr schedule must return a number, got {raw!r} at step {t}")
        value = float(raw)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"the lr schedule returned {value} at step {t}")
        return value

    def _check_step_inputs(self, params: Any, grad: Any) -> tuple[Params, Params]:
        params = as_tree("params", params)
        grad = as_tree("grad", grad)
        check_same_structure(params, grad)
        sig = signature(params)
        if self._signature is None:  # the first step: bind the state to these parameters
            self._signature = sig
            self._create_state(params)
        elif sig != self._signature:
            raise ValueError(
                f"{type(self).__name__} holds state for parameters {describe(self._signature)}, "
                f"but step got {describe(sig)}: call reset() first, or make a new optimizer"
            )
        if isinstance(params, dict):
            grad = {k: np.asarray(grad[k], dtype=params[k].dtype) for k in params}
        else:
            grad = np.asarray(grad, dtype=params.dtype)
            if params.ndim:  # 0-d parameters always take the checked path (see _leaf_update)
                self._fast = (params.shape, params.dtype)
        return params, grad

    @staticmethod
    def _leaf_update(rule: Optimizer, x: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray],
                     lr: float) -> np.ndarray:
        # every dtype is kept; 0-d parameters are updated as 1-element arrays (numpy turns 0-d
        # results into scalars) and come back as 0-d arrays
        if x.ndim == 0:
            flat = {name: a.reshape(1) for name, a in state.items()}
            new = rule._update(x.reshape(1), g.reshape(1), flat, lr)
            state.update({name: a.reshape(()) for name, a in flat.items()})
            return np.asarray(new, dtype=x.dtype).reshape(())
        new = rule._update(x, g, state, lr)
        if type(new) is not np.ndarray or new.dtype != x.dtype:
            new = np.asarray(new, dtype=x.dtype)
        return new

    def _check_groups(self, groups: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
        if groups is None:
            return []
        if isinstance(groups, Mapping) or isinstance(groups, str):
            raise TypeError("param_groups must be a list of dicts, each with 'keys' and settings")
        checked = []
        allowed = set(inspect.signature(type(self).__init__).parameters) - {"self"} - _NOT_PER_KEY
        for i, group in enumerate(groups):
            if not isinstance(group, Mapping) or "keys" not in group:
                raise TypeError(f"param_groups[{i}] must be a dict with 'keys' and settings, got {group!r}")
            keys = group["keys"]
            if isinstance(keys, str) or not all(isinstance(k, str) for k in keys):
                raise TypeError(f"param_groups[{i}]['keys'] must be a list of key names or patterns")
            unknown = set(group) - {"keys"} - allowed
            if unknown:
                raise ValueError(f"param_groups[{i}] sets {sorted(unknown)}; "
                                 f"{type(self).__name__} takes {sorted(allowed)}")
            checked.append({"keys": list(keys), **{k: v for k, v in group.items() if k != "keys"}})
        return checked

    def _build_groups(self) -> None:
        """Build one optimizer per param group, with the group's settings (the constructor checks
        them); a subclass calls this at the end of its ``__init__``."""
        self._group_rules = {}
        for i, group in enumerate(self.param_groups):
            settings = {**self.hyperparameters, **group, "param_groups": None}
            del settings["keys"]
            try:
                self._group_rules[i] = type(self)(**settings)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"param_groups[{i}]: {exc}") from None

    def _rule_for(self, key: str, lr: float) -> tuple[Optimizer, float]:
        """The optimizer whose settings apply to ``key`` and its learning rate for this step."""
        for i, group in enumerate(self.param_groups):
            if any(fnmatch.fnmatchcase(key, pattern) for pattern in group["keys"]):
                rule = self._group_rules[i]
                rule.t = self.t
                return rule, rule.current_lr()
        return self, lr

    def _create_state(self, params: Params) -> None:
        if isinstance(params, dict):
            self.state = {}
            for k, v in params.items():  # each key's state follows its own settings (param_groups)
                for name, array in self._rule_for(k, 0.0)[0]._init_state(v).items():
                    self.state.setdefault(name, {})[k] = array
        else:
            self.state = self._init_state(params)

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({hyper})"
