"""Rebuild the shipped ICD-10-CM table `icd10cm.tsv.gz` from the `simple-icd-10-cm` package (dev extra).

    python -m agentsim.vocab.build_icd10

Run once per ICD-10-CM release; the grader reads only the shipped file, so neither the package nor its 10 MB
XML is imported at run time. One line per code: code, parent, title, inclusion terms (``|``-separated).
Kept: chapters, blocks, categories and subcategories with their titles, inclusion terms and short "includes"
notes. Left out: the 7th-character extensions (encounter, healing stage: "S72.001A ... initial encounter"),
half the code set and nothing a diagnosis name could match that its parent does not already carry.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

TARGET = Path(__file__).with_name("icd10cm.tsv.gz")


def _release(package_dir: Path) -> str:
    """'April-1-2026' from the name of the bundled tabular XML."""
    names = sorted(p.name for p in (package_dir / "data").glob("icd10c*-tabular-*.xml"))
    match = re.search(r"tabular-(.+)\.xml$", names[-1]) if names else None
    return match.group(1) if match else "unknown"


def _clean(term: str) -> str:
    return " ".join(term.replace("\t", " ").replace("|", "/").split())


def build(target: Path = TARGET) -> int:
    import importlib.metadata

    import simple_icd_10_cm as icd

    release = _release(Path(icd.__file__).parent)
    version = importlib.metadata.version("simple-icd-10-cm")
    rows: list[str] = []
    for code in icd.get_all_codes(True):
        if icd.is_extended_subcategory(code):
            continue
        parent = "" if icd.is_chapter(code) else icd.get_parent(code)
        terms = list(icd.get_inclusion_term(code))
        # category-level "includes" notes name synonyms ("myelogenous leukemia" under C92); long ones are
        # sentences about scope, not names
        terms += [t for t in icd.get_includes(code) if len(t.split()) <= 4 and "," not in t]
        line = "\t".join([code, parent, _clean(icd.get_description(code)), "|".join(_clean(t) for t in terms)])
        rows.append(line)
    header = f"# ICD-10-CM {release} (simple-icd-10-cm {version}); code, parent, title, inclusion terms\n"
    with gzip.GzipFile(target, "wb", mtime=0) as out:  # mtime 0: the same release builds the same bytes
        out.write((header + "\n".join(rows) + "\n").encode("utf-8"))
    return len(rows)


if __name__ == "__main__":
    count = build()
    print(f"wrote {count} codes to {TARGET} ({TARGET.stat().st_size // 1024} KiB)")
