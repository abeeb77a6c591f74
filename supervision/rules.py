"""The draw of a random inspection (双随机、一公开 by risk class, issue 15; seed 002 items 50–51: "实施精准分类",
items 55 and 58: 分级分类监管), as a pure function: the same seed, population, rules and inspector pool always give
the same subjects and the same inspectors, so anyone holding the published snapshot can draw again and compare
(``supervision.services.plan_verify``). No Django.

- The population is ordered by USCC; each subject belongs to the class of its grade under the plan's model at the
  draw, and a subject without a grade is its own class (``UNGRADED``).
- A class's rule is a ratio (percent) or a fixed count. A ratio takes ``ceil(size × ratio / 100)`` subjects (exact
  decimal arithmetic: 3% of 20 is 0.6, so 1 — a ratio above zero never draws nobody from a non-empty class); a count
  takes ``min(count, size)``. Both are typed in plain decimal notation (no exponent: "1e5000" is refused), a count
  is a whole number of at most ``MAX_COUNT``.
- One ``random.Random(seed)`` draws every class in the order A, B, C, D, ungraded (``random.sample`` over the class
  in USCC order), then the inspectors of each drawn subject in draw order (``random.sample`` over the active pool
  in staff-number order, kept in that order).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.errors import DomainError

UNGRADED = ""
CLASSES = ("A", "B", "C", "D", UNGRADED)
RATIO, COUNT = "ratio", "count"
MAX_INSPECTORS = 10
#: The largest fixed count a class's rule may ask for (more than any department's supervised population).
MAX_COUNT = 1_000_000
#: A rule's number as typed: plain decimal notation, no exponent, no more digits than a person types.
_NUMBER = re.compile(r"-?\d{1,16}(\.\d{1,6})?")


class DrawError(DomainError):
    """The draw or its rules were refused."""


def class_label(grade: str) -> str:
    return f"{grade} 类" if grade else "未评级"


@dataclass(frozen=True)
class ClassRule:
    """How many subjects of one class are drawn: a ratio in percent, or a fixed count."""

    kind: str
    value: Decimal

    def quota(self, size: int) -> int:
        if self.kind == RATIO:
            return min(size, math.ceil(Decimal(size) * self.value / 100))
        return int(min(Decimal(size), self.value))  # never builds the integer of an absurd stored count

    def as_text(self) -> str:
        if self.kind == RATIO:
            return f"{self.value.normalize():f}%"
        # A count stored before counts were bounded may be absurd ("1e5000"): shown as stored, never expanded.
        return str(int(self.value)) if self.value.adjusted() < 16 else str(self.value)


def rule_parse(text: str, grade: str) -> ClassRule | None:
    """A class's rule as typed: ``3%`` (a ratio) or ``5`` (a count); empty: the class is not drawn. Raises
    ``DrawError`` in Chinese, naming the class."""
    text = (text or "").strip().replace("％", "%")
    if not text:
        return None
    where = class_label(grade)
    ratio = text.endswith("%")
    number = text.removesuffix("%").strip()
    value = Decimal(number) if _NUMBER.fullmatch(number) else None
    if value is None:
        raise DrawError(
            f"{where}的抽取规则“{text}”无效：请填写比例（如 3%）或固定数量（如 5）。", code="rule_invalid", field=grade
        )
    if value < 0:
        raise DrawError(f"{where}的抽取{'比例' if ratio else '数量'}不能为负数。", code="rule_negative", field=grade)
    if ratio:
        if value > 100:
            raise DrawError(f"{where}的抽取比例不能超过100%。", code="ratio_over_100", field=grade)
        return ClassRule(RATIO, value)
    if value != value.to_integral_value():
        raise DrawError(f"{where}的抽取数量须为整数。", code="count_not_integer", field=grade)
    if value > MAX_COUNT:
        raise DrawError(f"{where}的抽取数量不能超过{MAX_COUNT}户。", code="count_too_large", field=grade)
    return ClassRule(COUNT, value.to_integral_value())


def rules_from_json(data: Mapping[str, Mapping]) -> dict[str, ClassRule]:
    return {grade: ClassRule(item["kind"], Decimal(item["value"])) for grade, item in data.items()}


def rules_to_json(rules: Mapping[str, ClassRule]) -> dict[str, dict]:
    return {grade: {"kind": rule.kind, "value": str(rule.value)} for grade, rule in rules.items()}


def rules_display(data: Mapping[str, Mapping]) -> list[tuple[str, str]]:
    """A plan's stored rules as its pages show them (the workbench and the public page): each class's label and
    its rule, "不抽取" for a class the plan does not draw."""
    parsed = rules_from_json(data)
    return [(class_label(grade), parsed[grade].as_text() if grade in parsed else "不抽取") for grade in CLASSES]


@dataclass(frozen=True)
class Drawn:
    uscc: str
    grade: str
    inspectors: tuple[str, ...]  # staff numbers


def population_hash(population: Sequence[tuple[str, str]]) -> str:
    """SHA-256 of the population as drawn from: one line ``USCC<TAB>grade`` per subject, in USCC order."""
    lines = "\n".join(f"{uscc}\t{grade}" for uscc, grade in sorted(population))
    return hashlib.sha256(lines.encode()).hexdigest()


def draw(
    *,
    seed: str,
    population: Sequence[tuple[str, str]],
    rules: Mapping[str, ClassRule],
    inspectors: Sequence[str],
    per_subject: int,
) -> list[Drawn]:
    """The subjects drawn and their inspectors, in draw order (see the module's docstring)."""
    rng = random.Random(seed)
    ordered = sorted(population)
    chosen: list[tuple[str, str]] = []
    for grade in CLASSES:
        rule = rules.get(grade)
        members = [item for item in ordered if item[1] == grade]
        if rule is None or not members:
            continue
        chosen += rng.sample(members, rule.quota(len(members)))
    pool = sorted(inspectors)
    if chosen and len(pool) < per_subject:
        raise DrawError(
            f"本部门在册的检查人员只有{len(pool)}名，每户需要{per_subject}名：请先补充检查人员名录。",
            code="pool_too_small",
        )
    return [Drawn(uscc, grade, tuple(sorted(rng.sample(pool, per_subject)))) for uscc, grade in chosen]
