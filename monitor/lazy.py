"""A property computed on first use and kept on the instance, as `functools.cached_property`
is, without the lock Python 3.11's takes.

Why not functools': until Python 3.12 it computes under one lock per property *of the class*,
not of the instance, so the sixteen threads of a poll that each read their own article's
layout or linker wait for one another (yappi: 3.1 s of waiting in a 200-feed poll). Two
threads computing the same instance's value at once is no harm where it is used (a layout's
or a linker's own values, one article each, pure functions of the instance: the last one
stored wins). Values shared by every thread and costly to make once, such as the number
reader's compiled tries, keep functools' lock, which then saves each thread from making them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 (named as the functools one it replaces)
    def __init__(self, func: Callable[[Any], T]):
        self.func = func
        self.__doc__ = func.__doc__
        self.name = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> cached_property[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value
