from app.admin import outbox  # noqa: F401  (adds its routes to views.bp)
