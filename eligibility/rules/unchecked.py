"""Constructors for the engine's own frozen dataclasses that skip __init__ (the hot path).

A frozen dataclass's __init__ sets every field through object.__setattr__ (and may validate in
__post_init__); called with keywords it is slower still. The engine builds thousands of these
objects per second from values that are valid by construction, so it uses
`unchecked(cls)(*values)`: the same fields in the same order, set directly (slot descriptors
for slots classes, the instance __dict__ otherwise). The result is equal to `cls(*values)`
(test_rules_golden.py checks it for every class built this way). Input from outside the engine
(JSON, forms) always goes through the real constructors and their validation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def unchecked(cls: type[T]) -> Callable[..., T]:
    """A function taking every field of the dataclass cls positionally and returning the
    instance, without running __init__ or __post_init__ (defaults are not applied)."""
    names = [f.name for f in fields(cls)]
    ns: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    if "__slots__" in cls.__dict__:
        body = "".join(f"    _set_{n}(o, {n})\n" for n in names)
        ns.update({f"_set_{n}": cls.__dict__[n].__set__ for n in names})
    else:
        body = "    _set(o, '__dict__', {" + ", ".join(f"{n!r}: {n}" for n in names) + "})\n"
        ns["_set"] = object.__setattr__
    source = f"def make_{cls.__name__}({', '.join(names)}):\n    o = _new(_cls)\n{body}    return o\n"
    exec(source, ns)  # noqa: S102 - generated from the dataclass's own field names, as dataclasses does
    make = ns[f"make_{cls.__name__}"]
    make.__doc__ = f"{cls.__name__}(*fields) without __init__ (values valid by construction)."
    return make
