"""Reading a model version's definition (JSON, as stored and edited) into the engine's terms, or refusing it with
the first problem found, in Chinese, saying where (维度、指标、规则). Pure: no Django.

The checks that need the database (record types, lists, subject kinds and models that exist) are the caller's
(``evaluation.versions.definition_check``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from core.vocabulary import SEVERITIES

from .rules import (
    COLOURS,
    GRADES,
    INDICATOR_KINDS,
    LIST_MEMBER,
    MODEL_SCORE,
    OVERRIDE_KINDS,
    OVERRIDE_RECORD,
    RECORD_COUNT,
    REGISTRATION_STATUS,
    SEVERITY_SUM,
    DefinitionError,
    Dimension,
    FieldCondition,
    Indicator,
    ListFilter,
    ModelDefinition,
    Override,
    RecordFilter,
    Scope,
)

#: The largest absolute value of any number of a definition (scores, thresholds, weights, caps, floors).
NUMBER_LIMIT = Decimal("99999.99")
#: The longest window of months (a century): the engine counts it back from the day (``rules.window_start``), and
#: a window reaching before year 1 stopped every grading of a subject with a record of its types.
MAX_WINDOW_MONTHS = 1200


def _decimal(value, where: str, *, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise DefinitionError(f"{where}：必须填写数值。", code="definition_invalid")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str, float)):
        raise DefinitionError(f"{where}：“{value}”不是数值。", code="definition_invalid")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DefinitionError(f"{where}：“{value}”不是数值。", code="definition_invalid") from None
    if not number.is_finite():
        raise DefinitionError(f"{where}：“{value}”不是有限数值。", code="definition_invalid")
    if abs(number) > NUMBER_LIMIT:
        # Scores are stored with 7 digits (``EvaluationResult.score``), and a weight this size times a count is
        # still far inside the engine's 28 digits: a definition the check accepts is one every subject grades by.
        raise DefinitionError(
            f"{where}：“{value}”超出允许范围（绝对值不超过 {NUMBER_LIMIT}）。", code="definition_invalid"
        )
    return number


def _text(data: Mapping, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"{where}：缺少“{key}”。", code="definition_invalid")
    return value.strip()


def _texts(value, where: str, *, allowed: Iterable[str] | None = None) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DefinitionError(f"{where}：须为文字列表。", code="definition_invalid")
    if allowed is not None:
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise DefinitionError(
                f"{where}：“{'、'.join(unknown)}”无效（可选：{'、'.join(allowed)}）。", code="definition_invalid"
            )
    return frozenset(value)


def _mapping(value, where: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise DefinitionError(f"{where}：格式有误，须为对象。", code="definition_invalid")
    return value


def _record_filter(data, where: str) -> RecordFilter:
    data = _mapping(data, where)
    types = _texts(data.get("types"), f"{where} 记录类型")
    if not types:
        raise DefinitionError(f"{where}：须指定记录类型（types）。", code="definition_invalid")
    window = data.get("window_months")
    if window is not None and (
        isinstance(window, bool) or not isinstance(window, int) or not 0 < window <= MAX_WINDOW_MONTHS
    ):
        message = f"{where}：统计期（window_months）须为不超过 {MAX_WINDOW_MONTHS} 的正整数（月）。"
        raise DefinitionError(message, code="definition_invalid")
    conditions = []
    for index, condition in enumerate(data.get("where") or [], start=1):
        condition = _mapping(condition, f"{where} 第{index}个字段条件")
        equals = _texts(condition.get("equals"), f"{where} 第{index}个字段条件的取值")
        contains = tuple(sorted(_texts(condition.get("contains"), f"{where} 第{index}个字段条件的包含文字")))
        if not equals and not contains:
            raise DefinitionError(
                f"{where} 第{index}个字段条件：须指定 equals 或 contains。", code="definition_invalid"
            )
        conditions.append(FieldCondition(_text(condition, "field", f"{where} 第{index}个字段条件"), equals, contains))
    return RecordFilter(
        types=types,
        severities=_texts(data.get("severities"), f"{where} 失信程度", allowed=SEVERITIES),
        where=tuple(conditions),
        window_months=window,
        in_force=bool(data.get("in_force", False)),
    )


def _list_filter(data: Mapping, where: str) -> ListFilter:
    lists = _texts(data.get("lists"), f"{where} 名单")
    colours = _texts(data.get("colours"), f"{where} 名单类别", allowed=COLOURS)
    if not lists and not colours:
        raise DefinitionError(f"{where}：须指定名单（lists）或名单类别（colours）。", code="definition_invalid")
    return ListFilter(lists, colours)


def _indicator(data, where: str) -> Indicator:
    data = _mapping(data, where)
    code, name = _text(data, "code", where), _text(data, "name", where)
    where = f"指标“{name}”"
    kind = data.get("kind")
    if kind not in INDICATOR_KINDS:
        choices = "、".join(f"{k}（{v}）" for k, v in INDICATOR_KINDS.items())
        raise DefinitionError(f"{where}：计算方式“{kind}”无效（可选：{choices}）。", code="definition_invalid")
    cap = _decimal(data.get("cap"), f"{where} 上限（cap）", required=False)
    if cap is not None and cap < 0:
        raise DefinitionError(f"{where}：上限（cap）不能为负数。", code="definition_invalid")
    indicator = Indicator(
        code=code, name=name, kind=kind, weight=_decimal(data.get("weight"), f"{where} 权重"), cap=cap
    )
    if kind in (RECORD_COUNT, SEVERITY_SUM):
        indicator = replace(indicator, records=_record_filter(data.get("records"), f"{where} 记录条件"))
    if kind == SEVERITY_SUM:
        weights = _mapping(data.get("severity_weights"), f"{where} 失信程度权重")
        _texts(list(weights), f"{where} 失信程度权重", allowed=SEVERITIES)
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in weights.values()):
            raise DefinitionError(f"{where}：失信程度权重须为非负整数。", code="definition_invalid")
        indicator = replace(indicator, severity_weights=dict(weights))
    if kind == LIST_MEMBER:
        indicator = replace(indicator, lists=_list_filter(data, where))
    if kind == REGISTRATION_STATUS:
        statuses = _texts(data.get("statuses"), f"{where} 登记状态")
        if not statuses:
            raise DefinitionError(f"{where}：须指定登记状态（statuses）。", code="definition_invalid")
        indicator = replace(indicator, statuses=statuses)
    if kind == MODEL_SCORE:
        indicator = replace(indicator, model=_text(data, "model", where))
    return indicator


def _override(data, where: str) -> Override:
    data = _mapping(data, where)
    code, name = _text(data, "code", where), _text(data, "name", where)
    where = f"规则“{name}”"
    kind = data.get("kind")
    if kind not in OVERRIDE_KINDS:
        choices = "、".join(f"{k}（{v}）" for k, v in OVERRIDE_KINDS.items())
        raise DefinitionError(f"{where}：类型“{kind}”无效（可选：{choices}）。", code="definition_invalid")
    grade = data.get("grade")
    if grade not in GRADES[1:]:
        raise DefinitionError(f"{where}：等级上限（grade）须为 B、C 或 D。", code="definition_invalid")
    if kind == OVERRIDE_RECORD:
        return Override(code, name, kind, grade, records=_record_filter(data.get("records"), f"{where} 记录条件"))
    if kind == LIST_MEMBER:
        return Override(code, name, kind, grade, lists=_list_filter(data, where))
    statuses = _texts(data.get("statuses"), f"{where} 登记状态")
    if not statuses:
        raise DefinitionError(f"{where}：须指定登记状态（statuses）。", code="definition_invalid")
    return Override(code, name, kind, grade, statuses=statuses)


def definition_parse(data, *, model: str, version: int) -> ModelDefinition:
    """Read a model version's definition (JSON) into the engine's terms, or refuse it with the first problem
    found (in Chinese, saying where). The checks that need the database (record types, lists, subject kinds
    and models that exist) are the caller's (``evaluation.services``)."""
    data = _mapping(data, "模型定义")
    base = _decimal(data.get("base_score"), "基础分（base_score）")
    low = _decimal(data.get("min_score", "0"), "最低分（min_score）")
    high = _decimal(data.get("max_score", "100"), "最高分（max_score）")
    if not low < high:
        raise DefinitionError("最低分须小于最高分。", code="definition_invalid")
    grades = _mapping(data.get("grades"), "等级分数线（grades）")
    thresholds = tuple((g, _decimal(grades.get(g), f"等级 {g} 的分数线")) for g in GRADES[:-1])
    if not all(low <= t <= high for _, t in thresholds):
        raise DefinitionError(f"等级分数线须在 {low} 至 {high} 之间。", code="definition_invalid")
    if not thresholds[0][1] > thresholds[1][1] > thresholds[2][1]:
        raise DefinitionError("等级分数线须依次降低：A > B > C。", code="definition_invalid")
    labels = _mapping(data.get("labels"), "等级名称（labels）")
    if set(labels) != set(GRADES) or not all(isinstance(v, str) and v.strip() for v in labels.values()):
        raise DefinitionError("等级名称（labels）须为 A、B、C、D 各给出一个名称。", code="definition_invalid")
    dimensions, codes = [], set()
    raw_dimensions = data.get("dimensions")
    if not isinstance(raw_dimensions, list) or not raw_dimensions:
        raise DefinitionError("模型至少需要一个维度（dimensions）。", code="definition_invalid")
    for index, raw in enumerate(raw_dimensions, start=1):
        raw = _mapping(raw, f"第{index}个维度")
        name = _text(raw, "name", f"第{index}个维度")
        where = f"维度“{name}”"
        raw_indicators = raw.get("indicators")
        if not isinstance(raw_indicators, list) or not raw_indicators:
            raise DefinitionError(f"{where}：至少需要一个指标（indicators）。", code="definition_invalid")
        indicators = tuple(_indicator(i, f"{where}第{n}个指标") for n, i in enumerate(raw_indicators, start=1))
        floor = _decimal(raw.get("floor"), f"{where} 下限（floor）", required=False)
        ceiling = _decimal(raw.get("ceiling"), f"{where} 上限（ceiling）", required=False)
        if floor is not None and ceiling is not None and floor > ceiling:
            raise DefinitionError(f"{where}：下限不能高于上限。", code="definition_invalid")
        dimensions.append(Dimension(_text(raw, "code", where), name, indicators, floor, ceiling))
        for code in [dimensions[-1].code, *(i.code for i in indicators)]:
            if code in codes:
                raise DefinitionError(f"编码“{code}”重复：维度和指标的编码须各不相同。", code="definition_invalid")
            codes.add(code)
    overrides = tuple(_override(o, f"第{n}条调整规则") for n, o in enumerate(data.get("overrides") or [], start=1))
    if len({o.code for o in overrides}) != len(overrides):
        raise DefinitionError("调整规则的编码须各不相同。", code="definition_invalid")
    raw_scope = _mapping(data.get("scope") or {}, "适用范围（scope）")
    kinds = _texts(raw_scope.get("subject_kinds"), "适用范围的主体类型")
    if not kinds:
        raise DefinitionError("适用范围须指定主体类型（subject_kinds）。", code="definition_invalid")
    records = raw_scope.get("records")
    scope = Scope(kinds, _record_filter(records, "适用范围的记录条件") if records else None)
    definition = ModelDefinition(
        model=model,
        version=version,
        base_score=base,
        min_score=low,
        max_score=high,
        thresholds=thresholds,
        labels={g: labels[g].strip() for g in GRADES},
        dimensions=tuple(dimensions),
        overrides=overrides,
        scope=scope,
    )
    if model in definition.depends_on():
        raise DefinitionError("模型不能引用自身的得分。", code="definition_invalid")
    return definition
