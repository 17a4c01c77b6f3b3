"""One registry per kind of backend (voices, language models, comment sources, outputs).

A backend registers itself from its own module: a name, the pydantic model of its settings in SHOW.yaml and a
factory (its class, or a function). The registry finds its backends by importing every public module of its
package the first time it is asked for one, so adding a backend is adding a module. Registering imports nothing
heavy: a backend loads its libraries when it is built, never when its module is imported.

    VOICES = Registry[TTSBackend]("voice", package="voice.tts", default="piper")
    VOICES.register("espeak", EspeakSettings, EspeakTTS)
    voice = VOICES.build(VOICES.parse({"kind": "espeak"}))

The settings' fields, other than `kind` and the ones a family shares (`shared`), are the factory's keyword
arguments; a settings model with other names overrides `options()`.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError, core_schema

T = TypeVar("T")


def _against_base(value: str, info: ValidationInfo) -> str:
    base = (info.context or {}).get("base")
    path = Path(value).expanduser()
    return str(path if path.is_absolute() or base is None else Path(base) / path)


# A file in a backend's settings: relative to the folder of the file that names it (validation context "base").
SettingsPath = Annotated[str, AfterValidator(_against_base)]


class BackendSettings(BaseModel):
    """What SHOW.yaml says about one backend: its `kind` and its own fields (unknown fields are refused)."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    # fields the family keeps for itself (e.g. a voice's `fallback`), not passed to the backend's factory
    shared: ClassVar[frozenset[str]] = frozenset()
    # old SHOW.yaml keys that mean this kind when a mapping has no `kind` (e.g. `replay:` for a replay)
    claims: ClassVar[tuple[str, ...]] = ()
    # old SHOW.yaml keys still read, and the field each now fills (e.g. `replay:` → `path:`)
    renamed: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls.renamed:
            data = {(cls.renamed[k] if k in cls.renamed and cls.renamed[k] not in data else k): v
                    for k, v in data.items()}
        return data

    def options(self) -> dict[str, Any]:
        """The keyword arguments the factory is called with."""
        return {name: getattr(self, name) for name in type(self).model_fields
                if name != "kind" and name not in self.shared}


class UnknownBackend(ValueError):
    """A name no backend of this kind is registered under; the message lists the known ones."""


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered backend."""

    name: str
    settings: type[BackendSettings] | None  # None: built by `create` only, never named in SHOW.yaml
    factory: Callable[..., T]


@dataclass
class Registry(Generic[T]):
    """Backends of one kind by name, found in `package` (every public module but those in `skip`)."""

    what: str  # "voice", "model", "comment source": used in messages
    package: str | None = None
    skip: tuple[str, ...] = ()  # helper modules of the package that register nothing (and may be heavy)
    default: str | None = None  # the kind of a SHOW.yaml mapping that names none (and claims nothing)
    _entries: dict[str, Entry[T]] = field(default_factory=dict, repr=False)
    _found: int = field(default=0, repr=False)  # 0: not looked for, 1: being imported, 2: found
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def register(self, name: str, settings: type[BackendSettings] | None, factory: Callable[..., T]) -> None:
        """Make `factory` the backend called `name`; a second registration under a name replaces the first."""
        with self._lock:
            self._entries[name] = Entry(name, settings, factory)

    def unregister(self, name: str) -> None:
        """Forget the backend called `name` (a test's own, once the test is done)."""
        with self._lock:
            self._entries.pop(name, None)

    def decorator(self, name: str, settings: type[BackendSettings] | None = None) -> Callable[[Callable[..., T]],
                                                                                            Callable[..., T]]:
        """`@REGISTRY.decorator("name", Settings)` on a class or function registers it; with no settings the
        ones already registered under the name are kept (a test's stand-in for a real backend)."""

        def deco(factory: Callable[..., T]) -> Callable[..., T]:
            if settings is None:
                self._discover()  # the real one first, so that it does not come later and replace this one
            with self._lock:
                known = self._entries.get(name)
                self.register(name, settings or (known.settings if known else None), factory)
            return factory

        return deco

    def _discover(self) -> None:
        if self._found == 2 or self.package is None:
            return
        with self._lock:  # another thread waits here until every module is in; this one may re-enter
            if self._found:
                return
            self._found = 1
            try:
                pkg = importlib.import_module(self.package)
                for mod in pkgutil.iter_modules(getattr(pkg, "__path__", [])):
                    if not mod.name.startswith("_") and mod.name not in self.skip:
                        importlib.import_module(f"{self.package}.{mod.name}")
            except BaseException:
                self._found = 0
                raise
            self._found = 2

    def names(self) -> list[str]:
        """The registered names, sorted."""
        self._discover()
        return sorted(self._entries)

    def get(self, name: str) -> Entry[T]:
        """The backend called `name`; UnknownBackend names the known ones."""
        self._discover()
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownBackend(f"unknown {self.what} {name!r}; choose one of {', '.join(self.names())}") from None

    def create(self, name: str, *args: Any, **options: Any) -> T:
        """Call the factory of `name` with these arguments (no settings involved)."""
        return self.get(name).factory(*args, **options)

    def build(self, settings: BackendSettings, **context: Any) -> T:
        """The backend its settings describe; `context` is what the family passes to every factory."""
        return self.get(settings.kind).factory(**settings.options(), **context)

    def kind_of(self, data: Mapping[str, Any]) -> str | None:
        """The kind a SHOW.yaml mapping names, or the one an old key claims, or the default."""
        kind = data.get("kind")
        if kind is not None:
            return str(kind)
        claimed = {e.name: k for e in map(self.get, self.names()) if e.settings is not None
                   for k in e.settings.claims if k in data}
        if len(claimed) > 1:
            raise _error("ambiguous_kind", f"{' and '.join(claimed.values())} name {len(claimed)} {self.what}s: keep "
                         f"one, as kind: {' | '.join(claimed)}", (), dict(data))
        return next(iter(claimed), self.default)

    def parse(self, data: Any, context: dict[str, Any] | None = None) -> BackendSettings:
        """Validate one SHOW.yaml mapping against the settings of the kind it names (`context`: pydantic's
        validation context, e.g. {"base": folder} for relative paths).

        ValidationError locations are those inside the mapping; an unknown kind is an error at `kind`."""
        if isinstance(data, BackendSettings):
            data = data.model_dump()
        if not isinstance(data, Mapping):
            raise _error("model_type", f"a mapping with kind: {' | '.join(self.names())}", (), data)
        kind = self.kind_of(data)
        if kind is None:
            raise _error("kind_missing", f"give kind: {' | '.join(self.names())}", ("kind",), data)
        entry = self._entries.get(kind) if kind in self.names() else None  # names(): every module is in
        if entry is None or entry.settings is None:
            raise _error("unknown_kind", f"unknown {self.what} {kind!r}; choose one of {', '.join(self.names())}",
                         ("kind",), kind)
        return entry.settings.model_validate({**data, "kind": kind}, context=context)

    def field(self) -> _RegistryField:
        """Annotate a pydantic field with it: `voice: Annotated[VoiceSettings, VOICES.field()]`. The field takes
        the settings of whichever kind the mapping names, registered now or later."""
        return _RegistryField(self)


def _error(kind: str, message: str, loc: tuple[str, ...], value: Any) -> ValidationError:
    return ValidationError.from_exception_data(
        "settings", [{"type": PydanticCustomError(kind, message), "loc": loc, "input": value}])


@dataclass(frozen=True)
class _RegistryField:
    registry: Registry[Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        # Looked up when a value is validated, not when the model is defined: a backend registered after the
        # model (a test's, a plugin's) is as valid as a built-in one.
        return core_schema.with_info_plain_validator_function(
            lambda v, info: self.registry.parse(v, info.context), serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: v.model_dump() if isinstance(v, BaseModel) else v))
