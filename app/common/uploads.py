"""What every uploaded file goes through before its content is looked at: the size limit, read
without taking in more than it, and the signatures of file kinds civcap recognises to refuse."""

from __future__ import annotations

from typing import IO

from flask import current_app
from flask_babel import gettext as _

# Old Word (.doc) and Excel (.xls) files, and password-protected Office files of any kind.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UploadRefused(Exception):
    """An uploaded file civcap does not take, with the reason; nothing was stored or changed."""


def max_upload_mb() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"])


def read_limited(stream: IO[bytes]) -> bytes:
    """The uploaded bytes; a file over MAX_UPLOAD_MB is refused without reading all of it."""
    megabytes = max_upload_mb()
    content = stream.read(megabytes * 1024 * 1024 + 1)
    if len(content) > megabytes * 1024 * 1024:
        raise UploadRefused(
            _("The file is larger than %(mb)s MB, the largest civcap accepts.", mb=megabytes)
        )
    return content
