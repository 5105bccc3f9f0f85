"""NEJM `physical_exams` text -> tests and examination findings. The field is free text written by a model:
bulleted or not, headings glued to the item before them ("... normal. Biopsy findings: - ..."), items named
or not ("- Peripheral eosinophilia present"), and sometimes only a note that there is nothing to report.
When it reports nothing, results are read from the question's own sentences ("A skin biopsy showed ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentsim.cases.importers.agentclinic_catalogue import CatalogueIndex, tokens
from agentsim.cases.importers.agentclinic_findings import RawTest

_BULLETS = re.compile(r"(?:(?<=\s)|^)(?:-|\d+\.)\s+(?=\S)")  # "- item", "1. item"; "5.4 kg" has no space after the dot
# what a model wrote instead of results: dropped, never a test
_META = re.compile(r"\b(does not (include|contain|mention|provide)|no (specific |numerical )?(instrument readings|"
                   r"test results|numerical)|cannot generate|instrument reader|"
                   r"information (provided|extracted))\b", re.I)
_HEAD = re.compile(r"\s+(?:showed|shows|revealed|reveals|demonstrated|demonstrates|identified|was|were|is|are|"
                   r"found|detected|notable for|consistent with)\b", re.I)
_VALUE_START = re.compile(r"^$|^(\d|mild|moderate|marked|slight|raised|elevated|low|high|normal|negative|"
                          r"positive|present|absent|detected|not|increased|decreased|within|above|below|was|were|"
                          r"is|are|of)", re.I)
_LABISH = re.compile(r"(penia|philia|cytosis|emia|aemia|uria|positive|negative|elevated|raised|level|count|titer|"
                     r"titre)\b", re.I)
_HEADING_WORDS = re.compile(r"\s*\b(results?|findings|studies|testing|indicated|include[sd]?|showed|revealed|"
                            r"for the patient|of the lesions|are as follows|as follows)\b\s*", re.I)
_GROUP = {"laboratory", "lab", "imaging", "blood", "test", "testing", "study", "studie", "result", "finding", "other",
          "additional", "diagnostic", "further", "data", "and", "more", "miscellaneou", ""}
_QUESTION_RESULT = re.compile(r"^(?:An?|The)?\s*(?P<test>[^,;]{3,80}?)\s+(?:showed|revealed|was notable for|"
                              r"identified|demonstrated)\s+(?P<result>.+)$", re.I)


@dataclass
class Item:
    heading: str | None
    name: str | None
    text: str


def items(text: str) -> list[Item]:
    """'Laboratory studies: - LDH: 356 U/L. Biopsy findings: - Deep skin biopsy: ...' -> items, in order."""
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    text = re.sub(r"\s([A-Z][A-Za-z]*(?:\s[a-z]+){0,2}\s(?:results|findings|studies|testing)):(?=\s*-|\s*$)",
                  r" - \1:", text)
    text = re.sub(r"(?<=[.;])\s+(?=[A-Z][\w ,()/'-]{1,60}:\s)", " - ", text)  # "... cords. Biopsy: ..."
    heading: str | None = None
    out: list[Item] = []
    for item in (i.strip() for i in _BULLETS.split(text)):
        if not item or _META.search(item):
            continue
        glued = (re.match(r"^([^:.]{2,90}):\s+(.+?[.;])\s+([^.:;]{2,60}):$", item)
                 or re.match(r"^([^:.]{2,90}):\s+(.+?)\s+([A-Z][^.:;]{2,60}):$", item))
        if glued:  # "Physical examination: a finding. Additional:": the item, then a new heading
            out.append(Item(heading, glued.group(1).strip(), glued.group(2).strip()))
            item = glued.group(3) + ":"
        if item.endswith(":"):
            heading = _HEADING_WORDS.sub(" ", item[:-1]).strip() or None
            continue
        m = re.match(r"^([^:.]{2,90}):\s+(.+)$", item)
        if m and len(m.group(1).split()) <= 10:
            out.append(Item(heading, m.group(1).strip(), m.group(2).strip()))
        else:
            out.append(Item(heading, None, item))
    return out


def is_group(heading: str | None) -> bool:
    return heading is None or set(tokens(heading)) <= _GROUP


def raw_test(item: Item, index: CatalogueIndex) -> RawTest | None:
    """One results item as a test, or None when it is something seen ('Faint central clearing' under
    'Additional'). A named item keeps its name, with its heading when that is a test ('Urinalysis' over
    'Hematuria'); an unnamed one is named by the words before its verb when those name a catalogue test, else
    by the first words when they do ('Eosinophils mildly raised'), else by its heading."""
    text, heading = item.text, (None if is_group(item.heading) else item.heading)
    if item.name:
        name = re.sub(r"\s+(results?|findings)$", "", item.name, flags=re.I)
        if index.match([name]) is not None or heading is None or set(tokens(heading)) <= set(tokens(name)):
            return RawTest((name,), text, True)  # 'Lip biopsy' under 'Biopsy' is its own name
        return RawTest((heading, name), text, True)
    head = _HEAD.split(text, maxsplit=1)[0].strip(" .,:")
    if head != text and 1 <= len(head.split()) <= 10 and index.match([head]) is not None:
        return RawTest((head,), text, True)
    words = re.findall(r"[\w-]+", text)
    for n in (3, 2, 1):
        first, rest = " ".join(words[:n]), " ".join(words[n:])
        if first and _VALUE_START.match(rest) and index.named_exactly(first) is not None:
            return RawTest((first,), text, True)
    if heading is not None:
        return RawTest((heading,), text, True)
    if not _LABISH.search(text) and not re.search(r"\d", text):
        return None
    return RawTest((" ".join(head.split()[:6]) or "Result",), text, True)


def from_question(sentences: list[str], index: CatalogueIndex) -> list[RawTest]:
    """'A skin biopsy showed a cup-shaped ulceration ...' -> a skin-biopsy result, for records whose results
    field reports nothing."""
    out = []
    for sentence in sentences:
        m = _QUESTION_RESULT.match(sentence.strip().rstrip("."))
        if m and not sentence.rstrip().endswith("?") and index.match([m.group("test")]) is not None:
            result = m.group("result").strip()
            out.append(RawTest((m.group("test"),), result[:1].upper() + result[1:] + ".", True))
    return out
