"""The built-in demo org of `perfbot demo` and the playground (the seed's FMCG case, 四)."""

from bot.demo.generate import (
    DEMO_ADMIN,
    DEMO_MANAGER,
    DEMO_MEMBER,
    DemoData,
    DemoPaths,
    generate_demo,
    write_demo_files,
)
from bot.demo.records import AwardRecord, Checkin

__all__ = [
    "DEMO_ADMIN",
    "DEMO_MANAGER",
    "DEMO_MEMBER",
    "AwardRecord",
    "Checkin",
    "DemoData",
    "DemoPaths",
    "generate_demo",
    "write_demo_files",
]
