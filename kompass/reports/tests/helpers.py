"""Helpers of the reports tests: read a PDF back as text and metadata (poppler-utils)."""

from __future__ import annotations

import subprocess


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def pdf_info(content: bytes) -> str:
    result = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")
