"""JSON Schema of the two input files, for editors (VS Code YAML extension and the like)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model.pairing import Pairing
from .model.programme import Programme

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _schema(model, title: str, description: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    # Class docstrings are developer notes in English; editors show field docs (Chinese).
    for definition in schema.get("$defs", {}).values():
        definition.pop("description", None)
    schema["$schema"] = SCHEMA_DRAFT
    schema["title"] = title
    schema["description"] = description
    return schema


def programme_schema() -> dict[str, Any]:
    return _schema(Programme, "结对帮扶方案（programme.yaml）", "教育局的结对帮扶方案：发文机关、周期、目标、承诺事项、考核细则、通知等")


def pairing_schema() -> dict[str, Any]:
    return _schema(Pairing, "结对文件（pairings/<id>.yaml）", "一个支援学校与其受援学校的结对：人员、计划、总结文字")


def activity_schema() -> dict[str, Any]:
    from .model.activity import ActivityLog

    return _schema(ActivityLog, "活动记录（activities/<年度>/<结对标识>.yaml）", "一个结对一个年度的帮扶活动记录和人工评分")


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "programme": programme_schema, "pairing": pairing_schema, "activities": activity_schema}
"""Each data file's schema by the name ``docgen schema --kind`` takes."""


def schemas() -> dict[str, dict[str, Any]]:
    return {name: make() for name, make in SCHEMAS.items()}
