"""JSON Schema of org.yaml, printed by `perfbot org schema` (editors can validate with it)."""

from __future__ import annotations

from typing import Any

from storage.orgconfig.models import OrgConfig


def org_json_schema() -> dict[str, Any]:
    schema = OrgConfig.model_json_schema(by_alias=True, mode="validation")
    schema["title"] = "perfbot org config"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
