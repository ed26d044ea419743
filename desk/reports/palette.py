"""How each review status is drawn: a colour-blind-safe colour, a pattern and a short label.

Colours are the Okabe–Ito palette (distinct under the common colour-vision deficiencies);
status is never told by colour alone: every chart also names it (legend and labels) and
fills each status but "unchecked" (plain) with a pattern of its own.
"""

from __future__ import annotations

#: status -> fill colour (Okabe–Ito), chosen so that the "bad" verdicts are warm.
COLOURS: dict[str, str] = {
    "unchecked": "#BBBBBB",
    "checking": "#56B4E9",
    "verified": "#009E73",
    "false": "#D55E00",
    "misleading": "#E69F00",
    "unverifiable": "#CC79A7",
}

#: status -> pattern drawn over the colour (``""``: plain), one of its own each, so that grey
#: print and a reader who cannot tell the colours apart tell them apart.
PATTERNS: dict[str, str] = {
    "unchecked": "",
    "checking": "dots",
    "verified": "vertical",
    "false": "cross",
    "misleading": "diagonal",
    "unverifiable": "horizontal",
}

#: status -> what a reader sees.
LABELS: dict[str, str] = {
    "unchecked": "Unchecked",
    "checking": "Checking",
    "verified": "Verified",
    "false": "False",
    "misleading": "Misleading",
    "unverifiable": "Unverifiable",
}

#: Statuses that are a verdict (an editor has finished checking).
VERDICTS: tuple[str, ...] = ("verified", "false", "misleading", "unverifiable")
#: Statuses still waiting for an editor.
BACKLOG: tuple[str, ...] = ("unchecked", "checking")
