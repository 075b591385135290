from app.admin import (  # each adds its routes to views.bp
    experts,  # noqa: F401
    outbox,  # noqa: F401
)
