"""Amounts: "300 million rubles" -> <measure quantity="300000000" unit="ruble">.

Only amounts whose number is clear and whose unit is a currency or a common
measure are encoded; "several million" has no quantity and is left alone.
"""
from __future__ import annotations

import re

from . import Span

UNITS = {
    "ruble": "ruble", "rubles": "ruble", "roubles": "ruble", "rouble": "ruble",
    "dollar": "dollar", "dollars": "dollar", "US dollars": "dollar", "yuan": "yuan", "won": "won",
    "tugrug": "tugrik", "tugriks": "tugrik", "tugrik": "tugrik", "marks": "mark", "lei": "leu",
    "forints": "forint", "forint": "forint", "korunas": "koruna", "crowns": "koruna", "yen": "yen",
    "pounds sterling": "pound", "francs": "franc", "zlotys": "zloty", "zloty": "zloty", "leva": "lev",
    "tons": "ton", "tonnes": "ton", "ton": "ton", "kilometers": "km", "kilometres": "km", "km": "km",
    "hectares": "hectare", "square meters": "m2", "square metres": "m2",
}
SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_UNIT_RX = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
MEASURE = re.compile(
    rf"(?<![\w.,])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s+(?P<scale>thousand|million|billion))?"
    rf"\s+(?P<unit>{_UNIT_RX})\b")


def find_measures(text: str) -> list[Span]:
    out = []
    for m in MEASURE.finditer(text):
        number = float(m.group("num").replace(",", ""))
        if m.group("scale"):
            number *= SCALE[m.group("scale")]
        quantity = f"{number:.10g}" if number != int(number) else str(int(number))
        out.append(Span(m.start(), m.end(), "measure",
                        (("quantity", quantity), ("unit", UNITS[m.group("unit")])), priority=1))
    return out
