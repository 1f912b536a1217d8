"""The web forms as the soak bench fills them in: login cookies over loopback, the CSRF token, a file
upload (multipart) and the review form (see ``tests/test_staff.py`` for the same in tests)."""

from __future__ import annotations

import html
import http.cookiejar
import re
import urllib.parse
import uuid


class LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Send the server's Secure cookies back over http://127.0.0.1, as browsers do for loopback."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return match.group(1) if match else ""


def multipart(fields: list[tuple[str, str]], file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def publish_form(page: str, visibility: str) -> bytes:
    """The review form as the page filled it in (as a person who accepts the suggestions would send it)."""
    tokens = re.findall(r'name="token" value="([^"]+)"', page)
    data = [("csrf_token", csrf(page))] + [("token", t) for t in tokens]
    for token in tokens:
        for name in ("title", "authors", "org", "year", "type"):
            m = re.search(rf'name="{token}-{name}"[^>]*value="([^"]*)"', page)
            data.append((f"{token}-{name}", html.unescape(m.group(1)) if m else ""))
        areas = re.findall(rf'name="{token}-areas" type="checkbox" value="([^"]+)" checked', page)
        areas += re.findall(rf'checked[^>]*name="{token}-areas"[^>]*value="([^"]+)"', page)
        data += [(f"{token}-areas", a) for a in areas]
        data.append((f"{token}-visibility", visibility))
    return urllib.parse.urlencode(data).encode()
