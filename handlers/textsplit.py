"""Word-safe splitting and clipping of text for platforms with hard length limits.

Slack rejects a whole message when one section exceeds 3000 characters, and a header
over 150; rather than let a long report fail, we split (or clip) on a word boundary.
Chinese has no spaces, so a boundary next to a CJK character counts as a word break too.
"""

from __future__ import annotations

ELLIPSIS = "…"

_CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3040, 0x30FF),
    (0x3100, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
)


def is_cjk(char: str) -> bool:
    """True for ideographs, kana, hangul and full-width punctuation."""
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def _last_newline(text: str, limit: int) -> int:
    """A paragraph or line break in the second half of the window, else -1."""
    for sep in ("\n\n", "\n"):
        pos = text.rfind(sep, 0, limit + 1)
        if pos > limit // 2:
            return pos
    return -1


def _break_at(text: str, limit: int) -> int:
    """Index at which to cut `text` so that text[:index] fits in `limit` characters."""
    pos = _last_newline(text, limit)
    if pos > 0:
        return pos
    for i in range(limit, 0, -1):
        if text[i].isspace():
            return i
    for i in range(limit, 0, -1):
        if is_cjk(text[i]) or is_cjk(text[i - 1]):
            return i
    return limit  # a single token longer than the limit (a URL); nothing better exists


def split_text(text: str, limit: int) -> list[str]:
    """Split into chunks of at most `limit` characters, breaking only between words."""
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _break_at(rest, limit)
        head = rest[:cut].rstrip()
        if head:
            chunks.append(head)
        rest = rest[cut:].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def clip(text: str, limit: int) -> str:
    """Shorten to `limit` characters at a word boundary, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return split_text(text, max(limit - len(ELLIPSIS), 1))[0] + ELLIPSIS
