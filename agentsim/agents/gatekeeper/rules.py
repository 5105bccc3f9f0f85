"""The offline gatekeeper, on SDBench's rules: reveals a finding only when explicitly asked, refuses vague
requests, answers tests a case lacks with a plausible normal result (logged as synthetic), keeps
pathognomonic results for the exact test, and never names the diagnosis (the engine's post-filter enforces that)."""

from __future__ import annotations

from typing import Any

from agentsim.agents.base import AgentReply
from agentsim.agents.gatekeeper.normal import NORMAL_EXAM
from agentsim.match.exam import detect_systems, is_vague
from agentsim.match.orders import OrderResolver, Resolution
from agentsim.match.text import contains_phrase, normalise
from agentsim.model.case import ExamFinding, GatekeeperView
from agentsim.model.catalogue import Catalogue, CatalogueEntry, EntryKind
from agentsim.model.episode import TurnKind
from agentsim.model.image import CaseImage

DEFAULT_TEST_PRICE = 100.0


def image_payload(image: CaseImage, *, of: str) -> dict[str, Any]:
    """An image as it travels in a reply's payload and on to the doctor's observation."""
    return {**image.model_dump(mode="json", exclude_none=True), "of": of}


def with_image_lines(text: str, images: list[dict[str, Any]]) -> str:
    """The reply text with one line per image: what a text-only doctor and the replay show."""
    lines = [f"{i['of']}: image attached: {i['caption']} ({i.get('path') or i.get('url')})" for i in images]
    missing = [line for line in lines if line not in text]
    return "\n".join([text, *missing]) if missing else text


class RulesGatekeeper:
    name = "rules"
    model: str | None = None  # offline: no model, no prompts
    prompt_hash: str | None = None

    def __init__(self, view: GatekeeperView, *, catalogue: Catalogue):
        self.view = view
        self.catalogue = catalogue
        self.resolver = OrderResolver(catalogue, view.tests)
        self.case_tests = {t.id: t for t in view.tests}
        self.manoeuvres = [e for e in catalogue.entries if e.kind is EntryKind.EXAM]

    # -- examination -------------------------------------------------------------------------------------
    async def examine(self, request: str) -> AgentReply:
        norm = normalise(request)
        named = [f for f in self.view.exam if self._names_finding(f, norm)]
        systems = detect_systems(request)
        manoeuvres = [m for m in self.manoeuvres if any(contains_phrase(norm, a) for a in (m.name, *m.aliases))]
        if not named and not systems and not manoeuvres:
            reason = "vague" if is_vague(request) else "unrecognised"
            return self._reply(
                "Please name the examination you want (for example 'examine the abdomen' or 'check the "
                "vital signs').",
                TurnKind.REFUSAL,
                {"reason": reason, "request": request},
            )
        lines: list[str] = []
        reported: list[str] = []
        for finding in named:
            lines.append(self._describe(finding))
        covered = {f.system for f in named}
        for manoeuvre in manoeuvres:
            if manoeuvre.system in covered and named:
                continue
            case_hit = [f for f in self.view.exam if f.manoeuvre and contains_phrase(normalise(f.manoeuvre),
                                                                                      manoeuvre.name)]
            # a manoeuvre the case scripts by name; else whatever the case has for that system (a breast exam
            # must find the lump even if the script filed it without a manoeuvre); else the normal finding
            same_system = [f for f in self.view.exam if f.system is manoeuvre.system]
            if case_hit:
                lines.extend(self._describe(f) for f in case_hit)
            elif same_system:
                lines.extend(self._describe(f) for f in same_system)
            else:
                lines.append(f"{manoeuvre.name}: {manoeuvre.normal_result}")
            if manoeuvre.system is not None:
                covered.add(manoeuvre.system)
        for system in systems:
            if system in covered:
                continue
            findings = [f for f in self.view.exam if f.system is system]
            if findings:
                lines.extend(self._describe(f) for f in findings)
            else:
                lines.append(f"{system.value.replace('_', ' ').capitalize()}: {NORMAL_EXAM[system]}")
            reported.append(system.value)
            covered.add(system)
        payload: dict[str, Any] = {"systems": sorted({*reported, *(f.system.value for f in named)}), "matched": True}
        shown = [f for f in self.view.exam if f.images and self._describe(f) in lines]
        images = [image_payload(i, of=self._describe(f).split(":", 1)[0]) for f in shown for i in f.images]
        if images:
            payload["images"] = images
        return self._reply(with_image_lines("\n".join(lines), images), TurnKind.EXAM_RESULT, payload)

    @staticmethod
    def _names_finding(finding: ExamFinding, norm: str) -> bool:
        names = [*finding.aliases, *([finding.manoeuvre] if finding.manoeuvre else [])]
        return any(contains_phrase(norm, n) for n in names)

    @staticmethod
    def _describe(finding: ExamFinding) -> str:
        label = finding.manoeuvre or finding.system.value.replace("_", " ").capitalize()
        return f"{label}: {finding.finding}"

    # -- investigations ----------------------------------------------------------------------------------
    async def order(self, tests: list[str]) -> AgentReply:
        lines: list[str] = []
        results: list[dict] = []
        images: list[dict[str, Any]] = []
        synthetic_any = False
        total = 0.0
        for requested in tests:
            resolved = self.resolver.resolve(requested)
            entry = self.catalogue.get(resolved.test_id) if resolved.test_id else None
            case_test = self.case_tests.get(resolved.test_id or "")
            if resolved.how is Resolution.VAGUE:
                lines.append(f"{requested}: please name the specific tests you want.")
                results.append(self._result(requested, None, None, 0.0, "refused", False))
                continue
            if resolved.how is Resolution.UNKNOWN or resolved.test_id is None:
                lines.append(f"{requested}: not a test I can find; please give its usual name.")
                results.append(self._result(requested, None, None, 0.0, "unknown", False))
                continue
            if entry is not None and entry.kind is EntryKind.EXAM:
                # a manoeuvre ordered like a test ("check Murphy's sign"): the examiner performs it, free
                exam = await self.examine(entry.name)
                lines.append(exam.text)
                results.append(self._result(requested, entry.id, entry.name, 0.0, "examined", False))
                continue
            if case_test and case_test.pathognomonic and resolved.how is Resolution.FUZZY:
                lines.append(f"{requested}: did you mean {case_test.name}? Please order it by name.")
                results.append(self._result(requested, case_test.id, case_test.name, 0.0, "refused", False))
                continue
            if entry is None and case_test is not None and case_test.catalogue_id:
                entry = self.catalogue.get(case_test.catalogue_id)  # an imported test priced as a generic one
            price = entry.price_usd if entry else DEFAULT_TEST_PRICE
            name = case_test.name if case_test else entry.name if entry else requested
            if case_test:
                text, synthetic = case_test.result, False
            else:
                text, synthetic = entry.normal_result if entry else "Within normal limits.", True
            total += price
            synthetic_any = synthetic_any or synthetic
            lines.append(f"{name}: {text}")
            results.append(self._result(requested, resolved.test_id, name, price, "resulted", synthetic,
                                        basis=self._basis(entry)))
            images += [image_payload(i, of=name) for i in (case_test.images if case_test else [])]
        payload: dict[str, Any] = {"results": results, **({"images": images} if images else {})}
        reply = self._reply(with_image_lines("\n".join(lines), images), TurnKind.TEST_RESULT, payload)
        return reply.model_copy(update={"cost": total, "synthetic": synthetic_any})

    def _basis(self, entry: CatalogueEntry | None) -> str:
        """How the price was set, for the report: 'cms', 'estimate', 'generic' (a stand-in entry) or 'default'
        (no catalogue entry at all: DEFAULT_TEST_PRICE)."""
        if entry is None:
            return "default"
        if entry.generic:
            return "generic"
        basis = self.catalogue.basis(entry)
        return basis.source.value if basis is not None else "untraced"

    @staticmethod
    def _result(requested: str, test_id: str | None, name: str | None, price: float, status: str,
                synthetic: bool, basis: str | None = None) -> dict:
        out = {"requested": requested, "test_id": test_id, "name": name, "price_usd": price, "status": status,
               "synthetic": synthetic}
        return {**out, "price_basis": basis} if basis is not None else out

    @staticmethod
    def _reply(text: str, kind: TurnKind, payload: dict) -> AgentReply:
        # the diagnosis post-filter runs in the engine on every patient and gatekeeper reply
        return AgentReply(text=text, kind=kind, payload=payload)
