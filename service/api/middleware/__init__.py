"""Pure-ASGI middleware: access, limits, metrics."""
