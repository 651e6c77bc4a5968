"""The org config (org.yaml): pydantic models, loader with line-numbered errors, conversion."""

from storage.orgconfig.convert import to_scoring_org
from storage.orgconfig.errors import ConfigError
from storage.orgconfig.loader import load_org_file, load_org_text
from storage.orgconfig.models import OrgConfig
from storage.orgconfig.schema import org_json_schema

__all__ = [
    "ConfigError",
    "OrgConfig",
    "load_org_file",
    "load_org_text",
    "org_json_schema",
    "to_scoring_org",
]
