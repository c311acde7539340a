"""Read rolegrid types back from the JSON that ``to_dict()`` wrote.

One generic reader driven by the dataclasses' type hints, so a new field needs no new code here.
"""

from __future__ import annotations

import dataclasses
import types as _pytypes
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from . import types as T

_C = TypeVar("_C")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(T))


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, _pytypes.UnionType):
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value)
            except (TypeError, ValueError, KeyError):
                continue
        raise ValueError(f"cannot read {value!r} as {tp}")
    if origin is typing.Literal:
        return value
    if dataclasses.is_dataclass(tp) and isinstance(value, Mapping):
        return from_dict(tp, value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        if args:
            return tuple(_convert(a, v) for a, v in zip(args, value, strict=False))
        return tuple(value)
    if origin in (Mapping, dict, typing.Mapping) or tp in (dict, Mapping):
        vt = args[1] if len(args) == 2 else Any
        return {k: _convert(vt, v) for k, v in value.items()}
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def from_dict(cls: type[_C], data: Mapping[str, Any]) -> _C:
    """Build ``cls`` (a rolegrid dataclass) from a mapping; unknown keys are ignored."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name])
    return cls(**kwargs)
