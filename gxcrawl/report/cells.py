"""Cell grammar (docs/report-format.md, "Cell grammar"): one raw table cell -> kind + number.

Kinds: ``number`` (a non-zero number), ``zero``, ``empty`` (blank), ``na`` (``/``, ``—``, ``无``), ``text``.
Money is normalised to 万元 (``70280元`` -> 7.028); counts are ints; ``+1``/``-1``/``－1``/``−1`` are signed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

#: whitespace the normaliser turns into nothing inside a cell (NFKC already maps U+3000/NBSP to " ")
_INNER_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_NUMBER = re.compile(
    r"(?P<sign>[+\-−])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?P<unit>万元|亿元|元|件|条|个|项|次|人次|家|宗|份)?"
)
_NA = re.compile(r"[/\\]|[—–\-~]+|无|N/?A|n/?a|不适用")
MAX_DIGITS = 15
_UNIT_FACTOR = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001")}


@dataclass(frozen=True, slots=True)
class CellValue:
    raw: str  # the cell as printed (stripped)
    kind: str  # number | zero | empty | na | text
    value: int | float | None
    unit: str | None = None


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on report texts.

    CPython normalises a whole string the slow way (~0.1 µs a character) as soon as one character needs it
    (one NBSP in a 3000-character report). A line break is a normalisation boundary (a starter that never
    composes), so normalising line by line gives the same string, and lines already in NFKC are kept as is.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    return "\n".join([unicodedata.normalize("NFKC", line) for line in text.split("\n")])


def normalise(text: str) -> str:
    """NFKC + unify the minus signs; used on every piece of text before reading it."""
    return nfkc(text).replace("−", "-")


def _number(sign: str | None, digits: str, frac: str | None, unit: str | None, *, money: bool) -> int | float:
    amount = Decimal(digits.replace(",", "") + (frac or ""))
    if sign == "-":
        amount = -amount
    if money:
        amount *= _UNIT_FACTOR.get(unit or "万元", Decimal(1))
        result = float(amount)
        return int(result) if result == int(result) and frac is None and unit != "元" else result
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)


def parse_cell(raw: str, *, money: bool = False) -> CellValue:
    """Read one cell. `money` selects 万元 normalisation for the cell's column."""
    shown = raw.strip()
    text = _INNER_SPACE.sub("", normalise(raw))
    if not text or text == "&nbsp;":
        return CellValue(shown, "empty", None)
    match = _NUMBER.fullmatch(text)
    if match is not None and len(match["int"]) + len(match["frac"] or "") > MAX_DIGITS:
        return CellValue(shown, "text", None)  # no count or amount in these tables has this many digits
    if match is not None:
        unit = match["unit"]
        if unit in _UNIT_FACTOR and not money:
            return CellValue(shown, "text", None, unit)
        try:
            value = _number(match["sign"], match["int"], match["frac"], unit, money=money)
        except InvalidOperation:  # pragma: no cover - the regex only lets digits through
            return CellValue(shown, "text", None)
        unit_out = "万元" if money else unit
        return CellValue(shown, "zero" if value == 0 else "number", value, unit_out)
    if _NA.fullmatch(text):
        return CellValue(shown, "na", None)
    return CellValue(shown, "text", None)


@lru_cache(maxsize=16384)
def is_cell_token(text: str) -> bool:
    """True when `text` reads as a table cell (a number, money, or a not-applicable mark)."""
    text = _INNER_SPACE.sub("", text)
    return bool(text) and (_NUMBER.fullmatch(text) is not None or _NA.fullmatch(text) is not None)
