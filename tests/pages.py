"""Reading pages as a person would: the text, the errors shown on a field."""

from __future__ import annotations

import re
from html import unescape

from werkzeug.test import TestResponse

FIELD_BLOCK = re.compile(r'<div class="field has-error">(.*?)</div>', re.S)
ERROR = re.compile(r'<p class="error" role="alert"[^>]*>(.*?)</p>', re.S)


def page_text(response: TestResponse) -> str:
    """The page with its entities read back (``&#39;`` is ``'``), whatever its status."""
    return unescape(response.get_data(as_text=True))


def page_html(response: TestResponse) -> str:
    """The page's HTML as sent, entities and all, once it is known to be served (200)."""
    assert response.status_code == 200
    return response.get_data(as_text=True)


def field_errors(html: str, name: str) -> list[str]:
    """The error messages shown in the form field whose input is named ``name``, as text."""
    for block in FIELD_BLOCK.findall(html):
        if f'name="{name}"' in block:
            return [unescape(error) for error in ERROR.findall(block)]
    return []


def field_error_text(html: str, name: str) -> str:
    """The error messages of the field labelled for the id ``name``, on one line ("" for none).

    The field must be on the page. By the id its label is for, not by input name: a page with
    several forms has several inputs of one name (closing's ``reason``, cancelling's ``reason``).
    """
    blocks = [b for b in html.split('<div class="field') if f'<label for="{name}">' in b]
    assert blocks, f"no field {name}"
    return " ".join(re.findall(r'class="error" role="alert"[^>]*>([^<]*)<', blocks[0]))
