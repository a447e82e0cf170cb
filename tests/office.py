"""Shared by the office-file tests: Debian's LibreOffice converts xlsx/docx
to PDF, poppler's pdftotext reads the PDF back. Under CI a missing tool
fails the test; elsewhere it skips with the install hint."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path


from conftest import REPO, tool_missing

ARTIFACTS = REPO / "test-artifacts"
FONTS_CONF = REPO / "tests" / "office" / "fonts.conf"
INSTALL_HINT = "需要 LibreOffice 和 poppler-utils：apt-get install libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils"


def require_office() -> None:
    missing = [tool for tool in ("soffice", "pdftotext", "pdfinfo") if shutil.which(tool) is None]
    if not missing:
        return
    message = f"找不到 {'、'.join(missing)}。{INSTALL_HINT}"
    tool_missing(f"办公软件测试无法运行：{message}")


def to_pdf(source: Path, work: Path, artifact: str | None = None) -> Path:
    """Convert with a private LibreOffice profile; keep a copy as a test artifact."""
    require_office()
    out = work / f"pdf-{source.suffix.lstrip('.')}"
    out.mkdir(parents=True, exist_ok=True)
    profile = work / "lo-profile"
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), HOME=str(work))
    result = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                             "--convert-to", "pdf", "--outdir", str(out), str(source)],
                            env=env, capture_output=True, text=True, timeout=300)
    pdf = out / (source.stem + ".pdf")
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    if artifact:
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy2(pdf, ARTIFACTS / artifact)
    return pdf


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_words(pdf: Path, first: int = 1, last: int = 1) -> list[tuple[str, float, float, float]]:
    """(word, left, width, height) in points, from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
        words.append((m.group(5), x0, x1 - x0, y1 - y0))
    return words


def pdf_pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return pages, (float(w), float(h))


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
