"""Values made on first use and kept, safely for the threads of a poll: a property per
instance (`cached_property`) and a value per arguments shared by all threads (`once`).

`cached_property` is `functools.cached_property` without the lock Python 3.11's takes.

Why not functools': until Python 3.12 it computes under one lock per property *of the class*,
not of the instance, so the sixteen threads of a poll that each read their own article's
layout or linker wait for one another (yappi: 3.1 s of waiting in a 200-feed poll). Two
threads computing the same instance's value at once is no harm where it is used (a layout's
or a linker's own values, one article each, pure functions of the instance: the last one
stored wins). Values shared by every thread and costly to make once, such as the number
reader's compiled tries, keep functools' lock, which then saves each thread from making them.
"""

from __future__ import annotations

import functools
import threading
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


def once(func: Callable[..., T]) -> Callable[..., T]:
    """`functools.cache` for values that are costly to make and shared by every thread (the
    number reader's compiled scans): made once under a lock, where `cache` lets each thread
    that asks before the first has finished make its own (sixteen poll threads starting at
    once compiled the same scan sixteen times, three seconds of a core)."""
    made: dict[tuple, T] = {}
    lock = threading.Lock()

    @functools.wraps(func)
    def get(*args: Any) -> T:
        try:
            return made[args]
        except KeyError:
            pass
        with lock:
            if args not in made:
                made[args] = func(*args)
            return made[args]

    return get
