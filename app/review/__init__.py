from app.review import suggestions  # noqa: F401  (adds its routes to views.bp)
