"""Uploaded files checked by their content, not by their name: what the public and subject accounts upload
(evidence of an application, proof of who an account acts for) is a PDF, a JPEG or a PNG whose first bytes
say so and whose name agrees; a renamed ``.exe`` is refused. One check for every app that takes such files."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from core.errors import DomainError

ALLOWED_FILES = {  # what the content starts with, not what the name says
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
SUFFIX_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


def uploads_check(
    uploads, *, max_files: int, max_bytes: int, error: type[DomainError], field: str = "files"
) -> list[tuple[str, str, bytes]]:
    """(name, content type, content) of each upload, or ``error`` naming the file and the problem."""
    if len(uploads) > max_files:
        raise error(f"最多上传{max_files}个文件。", code="too_many_files", field=field)
    checked = []
    for upload in uploads:
        if upload.size > max_bytes:
            raise error(f"文件“{upload.name}”超过 {max_bytes // 1_048_576} MB。", code="file_too_large", field=field)
        upload.seek(0)
        content = upload.read()
        kind = next((t for t, magics in ALLOWED_FILES.items() if content.startswith(magics)), None)
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if kind is None or SUFFIX_TYPES.get(suffix) != kind:
            raise error(
                f"文件“{upload.name}”不是有效的 PDF、JPG 或 PNG 文件（按文件内容判断）。", code="file_type", field=field
            )
        checked.append((upload.name[-255:], kind, content))
    return checked


def upload_store(model, checked: tuple[str, str, bytes], *, prefix: str, **fields):
    """Save one checked upload as a row of ``model`` (its ``original_name``, ``content_type``, ``size``,
    ``sha256`` and ``file``), the file named ``<prefix>-<digest>``: evidence, proofs and attachments alike."""
    name, content_type, content = checked
    digest = hashlib.sha256(content).hexdigest()
    row = model(original_name=name, content_type=content_type, size=len(content), sha256=digest, **fields)
    row.file.save(f"{prefix}-{digest[:12]}", ContentFile(content), save=False)
    row.save()
    return row
