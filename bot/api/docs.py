"""OpenAPI descriptions of the ingestion endpoints: request schemas, examples, responses.

The bodies are read raw (the size limit must hold before parsing, and numbers are decoded
as exact decimals), so the schemas are given here rather than inferred from parameters.
"""

from __future__ import annotations

from typing import Any

ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["index", "field", "reason"],
                "properties": {
                    "index": {"type": ["integer", "null"], "description": "item index"},
                    "field": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
        }
    },
}

METRIC_ITEM: dict[str, Any] = {
    "type": "object",
    "required": ["member", "indicator", "period", "value"],
    "additionalProperties": False,
    "properties": {
        "member": {"type": "string", "description": "member id, display name or team:KEY"},
        "indicator": {"type": "string"},
        "period": {"type": "string", "description": "2026-08-14, 2026-08, 2026-Q3 or 2026"},
        "value": {"type": ["number", "string"], "description": "exact decimal"},
        "item": {"type": "string", "description": "a video, a post, a campaign…"},
        "origin": {"type": "string", "description": "default: the token's origin, or api"},
        "recorded_at": {"type": "string", "description": "ISO time; no offset = org zone"},
    },
}

LEAD_ITEM: dict[str, Any] = {
    "type": "object",
    "required": ["lead_id", "member", "created_at"],
    "additionalProperties": False,
    "properties": {
        "lead_id": {"type": "string"},
        "member": {"type": "string", "description": "member id or display name"},
        "created_at": {"type": "string", "description": "ISO time; no offset = org zone"},
        "handed_over_at": {"type": ["string", "null"]},
        "origin": {"type": "string"},
    },
}

METRICS_EXAMPLE = {
    "metrics": [
        {
            "member": "li.na",
            "indicator": "content_exposure",
            "period": "2026-08-14",
            "value": 1250000,
            "item": "video123",
            "origin": "douyin",
        },
        {
            "member": "team:growth",
            "indicator": "new_customer_sales_team",
            "period": "2026-08",
            "value": "356000.50",
        },
    ]
}
LEADS_EXAMPLE = {
    "events": [
        {
            "lead_id": "L-1001",
            "member": "zhang.wei",
            "created_at": "2026-08-03T10:00:00+08:00",
            "handed_over_at": "2026-08-03T18:30:00+08:00",
        },
        {"lead_id": "L-1002", "member": "张伟", "created_at": "2026-08-04T09:00:00"},
    ]
}
OK_EXAMPLE = {
    "batch": 42,
    "rows": 2,
    "inserted": 1,
    "updated": 1,
    "unchanged": 0,
    "reopened": [],
    "rescored_members": ["wang.fang", "li.na", "zhang.wei"],
    "rescored_periods": ["2026", "2026-08", "2026-Q3"],
    "content_hits": ["content_hit:li.na:video123"],
    "at_risk": ["li.na:private_gmv:2026-Q3"],
}


def _errors(*examples: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "content": {
            "application/json": {
                "schema": ERRORS_SCHEMA,
                "examples": {name: {"value": {"errors": [err]}} for name, err in examples},
            }
        }
    }


def responses() -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": "Applied (or the stored first answer to a retried Idempotency-Key).",
            "content": {"application/json": {"example": OK_EXAMPLE}},
        },
        401: {"description": "Missing or wrong bearer token (no body)."},
        409: {
            "description": "Idempotency-Key reused with a different body, or no org imported.",
            **_errors(
                (
                    "key",
                    {
                        "index": None,
                        "field": "Idempotency-Key",
                        "reason": "this Idempotency-Key was used for a different body",
                    },
                )
            ),
        },
        413: {
            "description": "Over the item or byte limit (default 10,000 items or 5 MB).",
            **_errors(
                (
                    "items",
                    {"index": None, "field": "body", "reason": "10001 items, the limit is 10000"},
                )
            ),
        },
        422: {
            "description": "Invalid items or a frozen period; nothing was written.",
            **_errors(
                ("member", {"index": 3, "field": "member", "reason": "unknown member 'li.nna'"}),
                (
                    "frozen",
                    {
                        "index": None,
                        "field": "period",
                        "reason": "period 2026-Q2 is frozen by cycle-close; add ?reopen=true to "
                        "change it (audited)",
                    },
                ),
            ),
        },
    }


def request_body(item: dict[str, Any], list_name: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": [list_name],
                        "additionalProperties": False,
                        "properties": {list_name: {"type": "array", "items": item}},
                    },
                    "example": example,
                }
            },
        }
    }
