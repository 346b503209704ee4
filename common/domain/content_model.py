"""What every part of the content model shares: strictness, answer keys, refusals that name the field.

The content model (`common.domain.items`, `common.domain.exam`) is declared once as pydantic
models; validation, the JSON Schema for bank authors and both JSON views come from that
declaration. A model here:

- is strict: nothing is coerced (a list is never shown to a student as "['a', 'b']", a number
  is not a string), unknown fields are refused, and the value is immutable;
- marks the fields that tell the right answer with `answer_key(...)`; the public view
  (`json_form(..., with_keys=False)`, what a kiosk receives) leaves them out, and the JSON Schema
  flags them;
- leaves out of its JSON the optional fields that do not apply (`Field(exclude_if=...)`), so the
  JSON form stays the one `docs/content.md` documents.

A refused document raises `ContentError`, whose message names each problem by its field path
(`sections[0].items[2].prompt: must be a string, not ['not', 'a', 'string']`).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError, PydanticUndefined

ANSWER_KEY = "x-answer-key"  # the JSON Schema's flag on a field that tells the right answer


class ContentError(ValueError):
    """Exam content is malformed; the message names the field."""


class ContentModel(BaseModel):
    """Strict, closed and immutable; its JSON form is `json_form(model, with_keys=...)`."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    def _dumped(self, data: dict[str, Any]) -> None:
        """The last word on this model's JSON, for a field whose presence depends on another."""


def json_form(model: ContentModel, *, with_keys: bool) -> dict[str, Any]:
    """The model's JSON form (docs/content.md); without keys, what a kiosk may see.

    pydantic writes the fields (leaving out those `exclude_if` says do not apply); one walk over
    the models then drops the answer keys. A serializer per model would do the same at several
    times the cost, and the room writes the public view at every login."""
    data = model.model_dump(mode="json")
    _finish(model, data, with_keys)
    return data


def _finish(model: ContentModel, data: dict[str, Any], with_keys: bool) -> None:
    model._dumped(data)  # noqa: SLF001 - the hook is for this function
    if not with_keys:
        for name in answer_key_fields(type(model)):
            data.pop(name, None)
    values = model.__dict__
    for name in _nested_fields(type(model)):
        value = values[name]
        if name not in data:
            continue
        if isinstance(value, ContentModel):
            _finish(value, data[name], with_keys)
        elif isinstance(value, tuple):
            for part, part_data in zip(value, data[name]):
                if isinstance(part, ContentModel):
                    _finish(part, part_data, with_keys)


_NESTED_IN: dict[type, tuple[str, ...]] = {}


def _nested_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `model` whose values may hold other content models."""
    names = _NESTED_IN.get(model)
    if names is None:
        names = _NESTED_IN[model] = tuple(
            name for name, info in model.model_fields.items() if _holds_models(info.annotation))
    return names


def _holds_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, ContentModel):
        return True
    return any(_holds_models(arg) for arg in get_args(annotation))


_KEYS_OF: dict[type, frozenset[str]] = {}


def answer_key_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of `model` declared with `answer_key(...)`."""
    keys = _KEYS_OF.get(model)
    if keys is None:
        keys = _KEYS_OF[model] = frozenset(
            name for name, info in model.model_fields.items()
            if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get(ANSWER_KEY))
    return keys


def answer_key(default: Any = PydanticUndefined, **kwargs: Any) -> Any:
    """A field that tells the right answer: never in the public view a kiosk receives."""
    return Field(default, json_schema_extra={ANSWER_KEY: True}, **kwargs)


# Which optional fields the JSON form leaves out (docs/content.md: absent, not null).
def is_none(value: Any) -> bool:
    return value is None


def is_empty(value: Any) -> bool:
    return not value


# --- refusals --------------------------------------------------------------------------------


def refusal(field: str, message: str) -> PydanticCustomError:
    """A rule of the content model broken at `field` (a path below the model being validated:
    `correct`, `gaps[1].accepted`, `items[3].context`; "" for the model itself)."""
    return PydanticCustomError("content", message, {"field": field})


def shown(value: Any, limit: int = 60) -> str:
    """A refused value as the message quotes it."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def says(message: str | Callable[[Any], str]) -> WrapValidator:
    """Refuse a field's wrong value with one message of ours instead of pydantic's (the message
    may be a function of the value)."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            text = message(value) if callable(message) else message
            raise refusal("", text) from None

    return WrapValidator(validate)


def array_of(what: str) -> BeforeValidator:
    """A JSON array read into an immutable tuple; anything else is refused as not a list."""

    def read(value: Any) -> Any:
        if isinstance(value, list):
            return tuple(value)
        if isinstance(value, tuple):
            return value
        raise refusal("", f"must be a list of {what}, not {shown(value)}")

    return BeforeValidator(read)


def needs(data: Any, fields: Iterable[str], message: str) -> None:
    """A before-check: refuse an item lacking (or with empty) `fields`, in the author's words."""
    if isinstance(data, dict):
        for name in fields:
            if not data.get(name):
                raise refusal(name, message)


# --- messages --------------------------------------------------------------------------------

_TYPE_MESSAGES = {
    "string_type": "must be a string",
    "float_type": "must be a number", "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "int_type": "must be a whole number", "int_from_float": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "tuple_type": "must be a list", "list_type": "must be a list",
    "dict_type": "must be an object", "model_type": "must be an object",
    "model_attributes_type": "must be an object",
}
_BOUND_MESSAGES = {
    "greater_than_equal": "must be ≥ {ge}", "greater_than": "must be > {gt}",
    "less_than_equal": "must be ≤ {le}", "less_than": "must be < {lt}",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "must be at most {max_length} characters",
    "too_short": "must have at least {min_length} elements",
    "too_long": "must have at most {max_length} elements",
}


def _join(path: str, field: str) -> str:
    if not field:
        return path
    if not path:
        return field
    return path + field if field.startswith("[") else f"{path}.{field}"


def _path(loc: tuple[Any, ...], tags: frozenset[str]) -> tuple[str, str | None]:
    """`sections[0].items[2].prompt` from pydantic's location without the union's tag, and the
    tag (the item's type) when there is one."""
    out = ""
    tag = None
    for k, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in tags and (k == 0 or isinstance(loc[k - 1], int)):
            tag = part  # the discriminated union's member: `items[2].single_choice.prompt`
        elif str(part).startswith(("function-", "literal[")):
            continue
        else:
            out = _join(out, str(part))
    return out, tag


def problem(err: dict[str, Any], tags: frozenset[str]) -> tuple[str, str]:
    """One pydantic error as (field path, message in our words)."""
    path, tag = _path(tuple(err["loc"]), tags)
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "content":
        return _join(path, ctx.get("field", "")), err["msg"]
    if kind == "missing":
        parent, _, name = path.rpartition(".")
        return parent, f"missing field {name!r}"
    if kind == "union_tag_not_found":
        return path, "missing field 'type'"
    if kind == "union_tag_invalid":
        tag = value.get("type") if isinstance(value, dict) else ctx.get("tag")
        return _join(path, "type"), f"unknown item type {tag!r}"
    if kind == "extra_forbidden":
        on_item = len(err["loc"]) > 1 and err["loc"][-2] == tag
        return path, f"unknown field{f' of a {tag} item' if on_item else ''} (docs/content.md lists the fields)"
    if kind == "literal_error" or kind == "enum":
        return path, f"{shown(value)} is not one of {ctx.get('expected', '').replace(chr(39), '')}"
    if kind in _TYPE_MESSAGES:
        return path, f"{_TYPE_MESSAGES[kind]}, not {shown(value)}"
    if kind in _BOUND_MESSAGES:
        return path, f"{_BOUND_MESSAGES[kind].format(**ctx)}, not {shown(value)}"
    return path, err["msg"]


def content_error(exc: ValidationError, where: str, tags: frozenset[str]) -> ContentError:
    """Every problem of a refused document, each named by its field path below `where`."""
    messages = []
    for err in exc.errors(include_url=False):
        path, message = problem(err, tags)
        path = _join(where, path)
        messages.append(f"{path}: {message}" if path else message)
    return ContentError("; ".join(dict.fromkeys(messages)))
