"""Conversation module: review (routes are filled in by its implementation)."""

from handlers.routes import Routes

ROUTES = Routes()
