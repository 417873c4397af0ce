"""Typing the blocks of a document's text: opener, running text, closer.

Diplomatic documents share a shape: letterhead, memo header and dateline,
then running prose, then signatures and distribution notes. The running text
is found as the span from the first to the last sentence-like block; what
precedes it is typed as opener parts and what follows as closer parts.
"""
from __future__ import annotations

import re

from ..annotate.dates import find_dates
from ..model import Block

MEMO = re.compile(
    r"^(?P<label>To|From|Subject|Re|RE|Date|Date and Time|Time|Location|Place|Participants|Present|Classification|"
    r"Sending|Received|Arrived|Dispatched|Processed|Taken into process|Completed|Copy|Copies|Ref|No|Nr|"
    r"Telegram No|Cable No|Attention|Attn|Cc|CC|Topic|Memorandum for|Memorandum to)\s*[.:]\s*(?P<value>.*)$")
SALUTE = re.compile(r"^(?:(?:My )?Dear\b.*|(?:Respected|Esteemed|Honou?red)\b.*|To (?:Cde|Comrade|Cdes)\.?\s.*)[,:.!]?$")
CLOSING_SALUTE = re.compile(r"^(?:With (?:comradely|best|warm|kind)\b.*|Sincerely.*|Respectfully.*|Yours.*|"
                            r"Best regards.*|Regards.*|Communist greetings.*|With communist greetings.*)$", re.I)
POSTSCRIPT = re.compile(
    r"^(?:\d+\s*x\b|\d+(?:st|nd|rd|th)?\s+(?:to\s+\d+\w*\s+)?cop(?:y|ies)\b|cop(?:y|ies)\b|No\.?\s*\S+$|N[º°o]\.?\s*\d|"
    r"Distribution\b|Distributed\b|cc\b|File\b|To file\b|Two copies|Three copies|Typed\b|Printed\b|Prepared\b|"
    r"\(maybe\b|Executed\b|Drafted\b|Reg\. No|Ref\b)", re.I)
SENTENCE_WORDS = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|do|does|did|will|would|shall|should|can|could|may|might|must|"
    r"I|we|he|she|they|it|you|said|told|asked|stated|declared|noted|informed|received|reported|visited|"
    r"\w+ed|\w+ing)\b")
# A line of a transcribed dialogue: "North (KIM): …", "Deng: …", "Prime Minister: …"
SPEAKER = re.compile(r"^[A-Z][\w.’' -]{0,40}(?: \([A-Z][\w .-]*\))?:\s+\S.*[.?!…\"”]$")


def _words(text: str) -> int:
    return len(text.split())


def is_prose(text: str) -> bool:
    """A block of running text: a sentence with a verb, or a long block."""
    n = _words(text)
    if n >= 25:
        return True
    if n < 6 or MEMO.match(text):
        return False
    return bool(SENTENCE_WORDS.search(text)) and (text.rstrip().endswith((".", "!", "?", ":", ";", '"', "”", ")", "…", "]")) or n >= 14)


def _is_dateline(text: str) -> bool:
    if _words(text) > 9 or text.endswith((".", ":")) and _words(text) > 6:
        return False
    spans = find_dates(text)
    return bool(spans) and any(s.attr("when") and len(s.attr("when")) >= 7 for s in spans)


def _is_head(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters) and _words(text) <= 16


def type_blocks(raw: list[tuple[int, str]]) -> list[Block]:
    """Give each (line, text) block its kind (see `model.BLOCK_KINDS`)."""
    if not raw:
        return []
    prose = [i for i, (_, t) in enumerate(raw) if is_prose(t)]
    if not prose:
        first, last = len(raw), len(raw) - 1
    else:
        first, last = prose[0], prose[-1]
    out: list[Block] = []
    for i, (line, text) in enumerate(raw):
        if i < first:
            out.append(_opener_block(line, text))
        elif i <= last:
            m = MEMO.match(text)
            if m and _words(text) <= 12 and i == first:
                out.append(Block("memo", text, line, m.group("label")))
            else:
                out.append(Block("p", text, line))
        else:
            out.append(Block("closer", text, line))
    _head_after_dateline(out[:first])
    _type_closer(out)
    return out


def _head_after_dateline(opener: list[Block]) -> None:
    """The line right after a dateline and before the text is the document's heading."""
    for a, b in zip(opener, opener[1:]):
        if a.kind == "dateline" and b.kind == "letterhead" and b is opener[-1]:
            b.kind = "head"


def _opener_block(line: int, text: str) -> Block:
    m = MEMO.match(text)
    if m:
        return Block("memo", text, line, m.group("label"))
    if SALUTE.match(text) and _words(text) <= 10:
        return Block("salutation", text, line)
    if _is_dateline(text):
        return Block("dateline", text, line)
    if _is_head(text):
        return Block("head", text, line)
    return Block("letterhead", text, line)


def _type_closer(blocks: list[Block]) -> None:
    """After the text: salutation, signatures and datelines, then postscript."""
    in_postscript = False
    for b in blocks:
        if b.kind != "closer":
            continue
        if in_postscript or POSTSCRIPT.match(b.text):
            in_postscript = True
            b.kind = "postscript"
        elif _is_dateline(b.text):
            b.kind = "closer-dateline"
        elif CLOSING_SALUTE.match(b.text):
            b.kind = "closer-salute"
        elif _words(b.text) > 25 or SPEAKER.match(b.text):
            b.kind = "p"                                # running text after all, or a line of dialogue
        else:
            b.kind = "signed"
