"""Pydantic's validation errors in plain words, each with the path of the field it is about."""

from __future__ import annotations

from pydantic import ValidationError

_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "string_type": "not a text",
    "list_type": "not a list",
    "dict_type": "not a mapping",
    "model_type": "not a mapping",
    "int_type": "not a whole number",
    "int_parsing": "not a whole number",
    "float_type": "not a number",
    "float_parsing": "not a number",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
    "greater_than_equal": "must not be negative",
}


def format_loc(loc: tuple[int | str, ...]) -> str:
    """('products', 2, 'price') → 'products[2].price'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def describe_validation_error(err: ValidationError) -> list[str]:
    """Each pydantic error as `field.path: what is wrong`."""
    lines = []
    for e in err.errors():
        msg = _MESSAGES.get(e["type"])
        if msg is None:
            msg = str(e["msg"]).removeprefix("Value error, ")
            if msg.startswith("products[") and ":" in msg:  # already carries its own path
                lines.append(msg)
                continue
        elif e["type"] == "string_pattern_mismatch":
            msg = f"does not match {e.get('ctx', {}).get('pattern')}"
        lines.append(f"{format_loc(tuple(e['loc']))}: {msg}")
    return lines
