"""Evidence files: the type is decided from the content, never the name (contract monitoring, item 3).

Accepted: PDF, PNG, JPEG, GIF, WebP images, XLSX / DOCX (Office Open XML zip packages with the
right parts), and CSV or plain text (UTF-8 without NUL bytes). Anything else, or a file that
only claims one of these by its name or browser-sent type, is refused.
"""

import io
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024  # 10 MB per file


class EvidenceError(ValueError):
    pass


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "pdf", "png", "jpeg", "gif", "webp", "xlsx", "docx", "csv"
    content_type: str


SIGNATURES = [
    (b"%PDF-", Sniffed("pdf", "application/pdf")),
    (b"\x89PNG\r\n\x1a\n", Sniffed("png", "image/png")),
    (b"\xff\xd8\xff", Sniffed("jpeg", "image/jpeg")),
    (b"GIF87a", Sniffed("gif", "image/gif")),
    (b"GIF89a", Sniffed("gif", "image/gif")),
]


def sniff(data: bytes) -> Sniffed | None:
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Sniffed("webp", "image/webp")
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return Sniffed("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return Sniffed("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        return None
    if b"\x00" not in data[:8192]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return Sniffed("csv", "text/csv")
    return None


def check_evidence(name: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> Sniffed:
    """The file's real type, or ``EvidenceError`` with a message for the person uploading it."""
    if not data:
        raise EvidenceError(f"{name} is empty")
    if len(data) > max_bytes:
        raise EvidenceError(f"{name} must be smaller than {max_bytes // (1024 * 1024)} MB")
    kind = sniff(data)
    if kind is None:
        raise EvidenceError(f"{name} must be a PDF, an image (PNG, JPEG, GIF, WebP), a spreadsheet or a CSV file")
    claimed = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    aliases = {"jpg": "jpeg", "txt": "csv"}
    if claimed and aliases.get(claimed, claimed) != kind.kind:
        raise EvidenceError(f"{name} is named as a .{claimed} file but its content is not: it looks like {kind.kind}")
    return kind
