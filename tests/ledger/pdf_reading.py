"""PDF words with their positions (pdftotext -bbox), read as a person reads the page."""

import html
import re
import subprocess
import tempfile

WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def pdf_words(data: bytes, *, first_page_only: bool = True) -> list[tuple]:
    """(text, x-centre, y-centre, height, page) of every word."""
    pages = ["-f", "1", "-l", "1"] if first_page_only else []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-bbox", *pages, handle.name, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    words = []
    for page, chunk in enumerate(out.split("<page ")[1:]):
        for x0, y0, x1, y1, t in WORD.findall(chunk):
            y0, y1 = float(y0), float(y1)
            xc = (float(x0) + float(x1)) / 2
            words.append((html.unescape(t), xc, (y0 + y1) / 2, y1 - y0, page))
    return words


def reading_text(data: bytes) -> str:
    """The PDF's words as a reader reads them: page by page, line by line, left to right
    (words whose middles lie within half a line share a line)."""
    lines: list[list[tuple]] = []
    for word in sorted(pdf_words(data, first_page_only=False), key=lambda w: (w[4], w[2])):
        line = lines[-1] if lines else None
        if line and line[0][4] == word[4] and abs(word[2] - line[0][2]) < word[3] / 2:
            line.append(word)
        else:
            lines.append([word])
    return "".join(w[0] for line in lines for w in sorted(line, key=lambda w: w[1]))
