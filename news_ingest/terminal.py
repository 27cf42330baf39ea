"""Text from crawled pages made safe to print on an operator's terminal.

A title, URL or agency name is whatever a site sent.  Printed raw, an escape sequence in it can
recolour or clear the screen, move the cursor to overwrite earlier lines, set the window title or
(on some terminals) write to the clipboard; a carriage return or a bidi override makes a line read
differently from what it says.  ``printable`` drops every escape sequence (CSI, OSC, DCS and the
other ESC forms, 7- and 8-bit), every other C0/C1 control character and the bidi embedding and
isolate controls; tabs, newlines and carriage returns become one space (``multiline=True`` keeps
newlines, for a block the program itself assembled).  ``keep`` names exact sequences of our own that
survive (the bold on/off of search highlights).  Every print point of ``search``, ``stats``,
``demo`` and ``explain`` goes through it.
"""

from __future__ import annotations

import json
import re
from typing import Any

# ESC followed by: CSI (ESC [ params final), OSC/DCS/SOS/PM/APC strings (ended by BEL or ST), or a
# two-character sequence; the 8-bit forms (CSI = U+009B, OSC = U+009D, DCS = U+0090 ...) likewise.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"  # other ESC sequences (charset selection, RIS, ...), or a lone ESC
)
_SPACE = re.compile(r"[\t\n\r\v\f\x85\u2028\u2029]")
# C0 and C1 controls and DEL; bidi embeddings/overrides/isolates (U+202A-202E, U+2066-2069) and marks
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(value: object, *, multiline: bool = False, keep: tuple[str, ...] = ()) -> str:
    """``value`` as text with no control character or escape sequence left (see the module doc)."""
    text = "" if value is None else str(value)
    if multiline:  # line by line: an unterminated sequence ends at its line
        return "\n".join(printable(line, keep=keep) for line in text.replace("\r\n", "\n").split("\n"))
    if keep:
        parts = re.split("(" + "|".join(re.escape(k) for k in keep if k) + ")", text)
        return "".join(p if p in keep else printable(p) for p in parts)
    return _CONTROL.sub("", _SPACE.sub(" ", _ESCAPE.sub("", text)))


def printable_json(data: Any, **dumps: Any) -> str:
    """``json.dumps`` of ``data`` with every string in it made ``printable`` first (JSON escapes C0
    controls but leaves C1 and bidi controls as they are)."""
    def clean(v: Any) -> Any:
        if isinstance(v, str):
            return printable(v)
        if isinstance(v, dict):
            return {printable(k): clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v

    return json.dumps(clean(data), **dumps)
