from app.roster import (  # each adds its routes to views.bp
    bulk,  # noqa: F401
    cv,  # noqa: F401
    duplicates,  # noqa: F401
    privacy,  # noqa: F401
    reconfirm,  # noqa: F401
)
