"""What the host says for a batch of room events, in English or Chinese.

Short, by name, and nothing the events do not say: a welcome names who joined, a thank-you names the gift
that was sent, an order line names the product the order bought (from the catalog, never invented)."""

from __future__ import annotations

from dataclasses import dataclass

from dialogue.types import EventKind


@dataclass(frozen=True)
class Named:
    """One named viewer in a line, with what the line says about them (a gift, an order)."""

    name: str
    item: str | None = None  # the gift's name, or the product ordered
    count: int = 1


def _n(n: int) -> str:
    return f"{n:,}"


def _list_en(names: list[str], others: int) -> str:
    """"Mia", "Mia and Dan", "Mia, Dan and 3 others"."""
    if others:
        tail = "1 other" if others == 1 else f"{_n(others)} others"
        return ", ".join(names) + f" and {tail}" if names else tail
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def _list_zh(names: list[str], others: int) -> str:
    """"小雨", "小雨和阿杰", "小雨、阿杰和另外3位家人"."""
    if others:
        return ("、".join(names) + f"和另外{others}位家人") if names else f"{others}位家人"
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + f"和{names[-1]}"


def _plural(item: str) -> str:
    """"Rose" → "Roses", "Box" → "Boxes"; a name not in plain English letters keeps "× N" instead."""
    if not item.isascii() or not item[-1:].isalpha():
        return ""
    if item.lower().endswith(("s", "x", "z", "ch", "sh")):
        return item + "es"
    if item.lower().endswith("y") and item[-2:-1].lower() not in "aeiou":
        return item[:-1] + "ies"
    return item + "s"


def _item_en(item: str, count: int) -> str:
    """"the Rocket", "3 Roses", "2 × Cloud Fleece Hoodie"."""
    if count > 1:
        plural = _plural(item)
        return f"{_n(count)} {plural}" if plural else f"{item} × {_n(count)}"
    return f"the {item}"


def _order_en(item: str, count: int) -> str:
    """A product's catalog name is kept as written: "the Linen Desk Lamp", "2 × Merino Crew Socks (3 pairs)"."""
    return f"{_n(count)} × {item}" if count > 1 else f"the {item}"


def _item_zh(item: str, count: int) -> str:
    return f"{item}×{count}" if count > 1 else item


def welcome(lang: str, names: list[str], others: int) -> str:
    if lang == "zh":
        return f"欢迎{_list_zh(names, others)}来到直播间！" if names else f"欢迎刚进来的{others}位家人！"
    if not names:
        return "Welcome, everyone who just joined!" if others != 1 else "Welcome to the stream!"
    return f"Welcome {_list_en(names, others)}!"


def thank_follow(lang: str, names: list[str], others: int) -> str:
    if lang == "zh":
        return f"感谢{_list_zh(names, others)}的关注！"
    if not names:
        return "Thanks for the follows, everyone!" if others != 1 else "Thanks for the follow!"
    return f"Thanks for the follow, {_list_en(names, others)}!"


def thank_share(lang: str, names: list[str], others: int) -> str:
    if lang == "zh":
        return f"感谢{_list_zh(names, others)}分享直播间！"
    if not names:
        return "Thanks for sharing the stream, everyone!"
    return f"Thanks for sharing the stream, {_list_en(names, others)}!"


def thank_likes(lang: str, names: list[str], likes: int) -> str:
    """Likes are thanked now and then, with the count since the last thanks."""
    if lang == "zh":
        if likes == 1 and names:
            return f"感谢{names[0]}的点赞！"
        return f"感谢家人们的{_n(likes)}个赞！"
    if likes == 1 and names:
        return f"Thanks for the like, {names[0]}!"
    return f"Thanks for the {_n(likes)} likes, everyone!"


def thank_gifts(lang: str, named: list[Named], others: int) -> str:
    if lang == "zh":
        parts = [f"{g.name}送的{_item_zh(g.item or '礼物', g.count)}" for g in named]
        line = f"感谢{'，'.join(parts)}！" if parts else ""
        if others:
            line += f"也谢谢另外{others}位家人的礼物！" if parts else f"谢谢{others}位家人的礼物！"
        return line
    parts = [f"{g.name} for {_item_en(g.item or 'gift', g.count)}" for g in named]
    if not parts:
        return "Thank you for the gifts, everyone!" if others != 1 else "Thank you for the gift!"
    line = "Thank you " + (parts[0] if len(parts) == 1 else ", and ".join(parts)) + "!"
    if others:
        line += " And thanks to " + ("1 more of you" if others == 1 else f"{_n(others)} more of you") + \
                " for your gifts!"
    return line


def thank_orders(lang: str, named: list[Named], others: int) -> str:
    """Said only for real order events from the shop's own feed; products come from the catalog."""
    if lang == "zh":
        parts = [f"{o.name}下单了{_item_zh(o.item, o.count)}" if o.item else f"{o.name}的订单" for o in named]
        line = f"感谢{'，'.join(parts)}！" if parts else ""
        if others:
            line += f"也谢谢另外{others}位家人的订单！" if parts else f"谢谢{others}位家人的订单！"
        return line
    parts = [f"{o.name} just ordered {_order_en(o.item, o.count)}" if o.item else f"thank you for your order, {o.name}"
             for o in named]
    if not parts:
        return "Thanks for your orders, everyone!" if others != 1 else "Thanks for your order!"
    line = "; ".join(parts)
    line = (line[0].upper() + line[1:] + "!") if not any(o.item for o in named) else line + " — thank you!"
    if others:
        line += " And thanks for " + ("1 more order" if others == 1 else f"{_n(others)} more orders") + "!"
    return line


def compose(kind: EventKind, lang: str, named: list[Named], others: int, likes: int = 0) -> str:
    """The line for a batch of one kind: `named` first, then `others` more (likes: the count of likes)."""
    lang = "zh" if lang.startswith("zh") else "en"
    names = [n.name for n in named]
    if kind is EventKind.JOIN:
        line = welcome(lang, names, others)
    elif kind is EventKind.FOLLOW:
        line = thank_follow(lang, names, others)
    elif kind is EventKind.SHARE:
        line = thank_share(lang, names, others)
    elif kind is EventKind.LIKE:
        line = thank_likes(lang, names, likes)
    elif kind is EventKind.GIFT:
        line = thank_gifts(lang, named, others)
    else:
        line = thank_orders(lang, named, others)
    return line[:1].upper() + line[1:]  # a line that starts with a name in lower case ("dan r just ordered")
