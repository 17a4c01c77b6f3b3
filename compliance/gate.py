"""The gate every utterance passes before TTS: moderation, operator presence, the approval rule, the audit log.

`Gate.submit` decides pass / hold / block and writes the decision with its reasons to the audit log; held
lines wait in `pending()` for an operator's `approve` (optionally edited: the edit is moderated again) or
`reject`. Only a passing `GateDecision` carries a `Cleared` line, and only the gate can make one: the show's
speaker takes nothing else.

The operator's own words (a typed line, an edit) are also checked against the whole catalog (given as
`catalog`): a price, stock level, option, discount or claim the catalog does not hold is refused with what
was found. That refusal, and only that one, may be overridden: said anyway with the operator's reason, which
the decision records. Moderation (forbidden words, medical claims, the AI persona, injections) never can.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from compliance.audit import AuditLog
from compliance.presence import Presence
from compliance.profiles import Approval, Profile
from dialogue.catalog import Catalog
from dialogue.grounding.operator import Finding, check_operator_line
from dialogue.moderation import Violation, check_output
from dialogue.types import Action, Draft

UtteranceKind = Literal["answer", "pitch", "operator", "disclosure", "holding", "reaction"]
KINDS: tuple[str, ...] = ("answer", "pitch", "operator", "disclosure", "holding", "reaction")
NEEDS_APPROVAL: dict[str, tuple[str, ...]] = {"none": (), "answers": ("answer",),
                                              "all": ("answer", "pitch", "reaction")}
KNOWN_ORDERS = 10_000  # the real order events a reaction may still name
PRESENCE_EXEMPT = ("disclosure", "holding", "operator")  # the label, the pause line, and the human's own words


class Verdict(StrEnum):
    """What happens to an utterance: spoken, waiting for an operator, or never spoken."""

    PASS = "pass"
    HOLD = "hold"
    BLOCK = "block"


class GateError(KeyError):
    """An approval or rejection for a line that is not waiting."""


@dataclass(frozen=True)
class Utterance:
    """A line the host is about to say, and where it came from."""

    kind: UtteranceKind
    text: str
    lang: str
    comment_id: str | None = None
    sources: tuple[str, ...] = ()
    operator: str | None = None  # who wrote or edited it
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown utterance kind {self.kind!r} (one of {', '.join(KINDS)})")
        object.__setattr__(self, "sources", tuple(self.sources))

    @classmethod
    def from_draft(cls, draft: Draft) -> Utterance:
        """The answer a responder drafted for a comment."""
        return cls("answer", draft.text or "", draft.lang, draft.comment_id, tuple(draft.sources))


_GATE = object()  # the gate's own token: a Cleared line made anywhere else is refused


@dataclass(frozen=True)
class Cleared:
    """A line the gate let through, as it will be spoken; only the gate makes these (a passing decision)."""

    utterance: Utterance
    _by_gate: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._by_gate is not _GATE:
            raise TypeError("only the gate clears a line: take it from a passing GateDecision")

    @property
    def id(self) -> str:
        return self.utterance.id


@dataclass(frozen=True)
class GateDecision:
    """The gate's decision on one utterance, with every reason; a passing one carries its `cleared` line."""

    verdict: Verdict
    utterance: Utterance  # as it will be spoken (an operator's edit applied)
    reasons: tuple[str, ...] = ()
    violations: tuple[Violation, ...] = ()
    by: str | None = None  # the operator who approved or rejected it
    findings: tuple[str, ...] = ()  # what the catalog check found in an operator's words
    forceable: bool = False  # refused by the catalog check alone: the operator may say it anyway, with a reason
    forced: str | None = None  # the reason the operator gave to say it anyway
    cleared: Cleared | None = field(default=None, repr=False, compare=False)  # set by the gate on a pass

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.PASS

    @property
    def id(self) -> str:
        return self.utterance.id

    def to_audit(self) -> dict[str, Any]:
        """The decision as an audit-log entry body."""
        u = self.utterance
        return {"id": u.id, "verdict": self.verdict.value, "reasons": list(self.reasons), "kind": u.kind,
                "text": u.text, "lang": u.lang, "comment_id": u.comment_id, "sources": list(u.sources),
                "operator": u.operator, "by": self.by, "findings": list(self.findings),
                "forceable": self.forceable, "forced": self.forced,
                "violations": [{"rule": v.rule, "span": v.span, "reason": v.reason} for v in self.violations]}


class Gate:
    """Decides, for each utterance, whether the host may say it; records every decision."""

    def __init__(self, profile: Profile, audit: AuditLog, presence: Presence | None = None,
                 promotions: Sequence[str] = (), approval: Approval | None = None,
                 catalog: Catalog | None = None) -> None:
        if profile.operator_required and presence is None:
            raise ValueError(f"the {profile.name} profile needs operator presence: pass a Presence")
        self.profile = profile
        self.audit = audit
        self.presence = presence
        self.promotions = list(promotions)
        self.catalog = catalog  # the operator's words are checked against it (none: moderation only)
        self.approval: Approval = approval or profile.approval
        if self.approval not in NEEDS_APPROVAL:
            raise ValueError(f"approval must be one of {', '.join(NEEDS_APPROVAL)}, not {self.approval!r}")
        self._pending: dict[str, GateDecision] = {}
        self._orders: dict[str, None] = {}  # ids of real order events from the shop's feed, oldest first
        self._subscribers: list[Callable[[GateDecision], None]] = []
        self._lock = threading.Lock()

    def subscribe(self, fn: Callable[[GateDecision], None]) -> None:
        """Call `fn` with every decision (e.g. the console's feed of held lines)."""
        self._subscribers.append(fn)

    def note_orders(self, ids: Sequence[str]) -> None:
        """Real order events arrived from the shop's own feed: a reaction line may report these purchases."""
        with self._lock:
            for i in ids:
                self._orders[i] = None
            while len(self._orders) > KNOWN_ORDERS:
                del self._orders[next(iter(self._orders))]

    def _backed_by_orders(self, u: Utterance) -> bool:
        """A reaction line that names only real order events (`order:ID` sources the show was told of)."""
        orders = [s.removeprefix("order:") for s in u.sources if s.startswith("order:")]
        with self._lock:
            return u.kind == "reaction" and bool(orders) and all(o in self._orders for o in orders)

    def _moderate(self, u: Utterance) -> list[Violation]:
        violations = check_output(u.text, u.lang, promotions=self.promotions)
        if any(v.rule == "order_report" for v in violations) and self._backed_by_orders(u):
            violations = [v for v in violations if v.rule != "order_report"]
        return violations

    def _operator_checks(self, u: Utterance) -> tuple[list[Violation], list[Finding]]:
        """Moderation, and the catalog check of an operator's words: (hard violations, catalog findings).

        An unbacked discount counts as a catalog finding here (the catalog's promotions are out of date
        is a case a person can judge); an injection is a hard finding (`Finding.forceable` is False)."""
        violations = self._moderate(u)
        if self.catalog is None:
            return violations, []
        findings = [Finding("discount", v.span, v.reason) for v in violations if v.rule == "discount"]
        return ([v for v in violations if v.rule != "discount"],
                findings + check_operator_line(u.text, self.catalog))

    def _grounded(self, u: Utterance, violations: list[Violation], findings: list[Finding],
                  force_reason: str | None, who: str) -> GateDecision | None:
        """The refusal of an operator's words, if any; None when they may be spoken."""
        if violations:
            reasons = tuple(f"moderation{who}: {v.rule}: {v.span!r} ({v.reason})" for v in violations)
            return GateDecision(Verdict.BLOCK, u, reasons, tuple(violations), by=u.operator if who else None)
        hard = [f for f in findings if not f.forceable]
        if hard:
            return GateDecision(Verdict.BLOCK, u, tuple(f"moderation{who}: {f}" for f in hard),
                                findings=tuple(map(str, findings)), by=u.operator if who else None)
        if findings and not (force_reason or "").strip():
            why = (f"not in the catalog: {len(findings)} finding(s); say it anyway needs a reason"
                   if force_reason is not None else "not in the catalog: change the line, or say it anyway with a reason")
            return GateDecision(Verdict.BLOCK, u, (*(f"catalog{who}: {f}" for f in findings), why),
                                findings=tuple(map(str, findings)), forceable=True, by=u.operator if who else None)
        return None

    def _forced(self, u: Utterance, findings: list[Finding], force_reason: str | None,
                reasons: tuple[str, ...]) -> GateDecision:
        """A passing decision for an operator's words; said anyway (with the reason) when the catalog disagreed."""
        if not findings:
            return GateDecision(Verdict.PASS, u, reasons, by=u.operator)
        forced = (force_reason or "").strip()
        return GateDecision(Verdict.PASS, u, (*reasons, f"said anyway by {u.operator}: {forced}",
                                              *(f"catalog: {f}" for f in findings)),
                            findings=tuple(map(str, findings)), forced=forced, by=u.operator)

    def _record(self, d: GateDecision) -> GateDecision:
        d = replace(d, cleared=Cleared(d.utterance, _GATE) if d.passed else None)
        self.audit.append("gate", d.to_audit())
        for fn in list(self._subscribers):
            fn(d)
        return d

    def submit(self, u: Utterance, *, extra_hold: Sequence[str] = (), force_reason: str | None = None
               ) -> GateDecision:
        """Pass, hold or block one utterance; `extra_hold` adds reasons to hold it (e.g. the responder's).

        `force_reason` (an operator line only) says it even though the catalog check refused it."""
        if not u.text.strip():
            return self._record(GateDecision(Verdict.BLOCK, u, ("empty line",)))
        if u.kind == "operator" and not (u.operator or "").strip():
            return self._record(GateDecision(Verdict.BLOCK, u, ("an operator line must name its operator",)))
        if force_reason is not None and u.kind != "operator":
            return self._record(GateDecision(Verdict.BLOCK, u, ("only an operator's own line can be said anyway",)))
        if u.kind == "operator":
            violations, findings = self._operator_checks(u)
            refused = self._grounded(u, violations, findings, force_reason, "")
            if refused is not None:
                return self._record(refused)
            return self._record(self._forced(u, findings, force_reason, ("moderation: clean",)))
        violations = self._moderate(u)
        if violations:
            reasons = tuple(f"moderation: {v.rule}: {v.span!r} ({v.reason})" for v in violations)
            return self._record(GateDecision(Verdict.BLOCK, u, reasons, tuple(violations)))
        holds = list(extra_hold)
        if self.profile.operator_required and u.kind not in PRESENCE_EXEMPT and self.presence is not None \
                and not self.presence.present():
            holds.append(f"no operator present: {self.profile.title} does not allow AI-driven interaction "
                         f"without a human on duty")
        if u.kind in NEEDS_APPROVAL[self.approval]:
            holds.append(f"approval required for {u.kind} lines (approval: {self.approval})")
        if holds:
            d = GateDecision(Verdict.HOLD, u, tuple(holds))
            with self._lock:
                self._pending[u.id] = d
            return self._record(d)
        return self._record(GateDecision(Verdict.PASS, u, ("moderation: clean",)))

    def submit_draft(self, draft: Draft) -> GateDecision | None:
        """A responder's draft: a reply is submitted, a hold is held with its flags, a skip is not a line."""
        if draft.action is Action.SKIP:
            return None
        holds = [f"responder held it: {', '.join(draft.flags) or 'no reason given'}"] if draft.action is Action.HOLD else []
        return self.submit(Utterance.from_draft(draft), extra_hold=holds)

    def pending(self) -> list[Utterance]:
        """Held utterances, oldest first."""
        with self._lock:
            return [d.utterance for d in self._pending.values()]

    def held(self, utterance_id: str) -> GateDecision:
        """The hold decision of a waiting line (its reasons)."""
        with self._lock:
            if utterance_id not in self._pending:
                raise GateError(f"no held line with id {utterance_id!r}")
            return self._pending[utterance_id]

    def _take(self, utterance_id: str, operator: str) -> GateDecision:
        if not operator or not operator.strip():
            raise ValueError("an approval or rejection must name its operator")
        with self._lock:
            if utterance_id not in self._pending:
                raise GateError(f"no held line with id {utterance_id!r}")
            return self._pending.pop(utterance_id)

    def approve(self, utterance_id: str, operator: str, edited_text: str | None = None,
                force_reason: str | None = None) -> GateDecision:
        """An operator lets a held line through, possibly edited; an edit is moderated and checked against the
        catalog like a typed line. An edit the catalog check refuses leaves the line held (`force_reason` says
        it anyway); one moderation refuses ends it."""
        if not operator or not operator.strip():
            raise ValueError("an approval or rejection must name its operator")
        u = self.held(utterance_id).utterance
        if edited_text is None or edited_text == u.text:
            self._take(utterance_id, operator)
            return self._record(GateDecision(Verdict.PASS, u, (f"approved by {operator}",), by=operator))
        u = replace(u, text=edited_text, operator=operator)
        if not edited_text.strip():
            self._take(utterance_id, operator)
            return self._record(GateDecision(Verdict.BLOCK, u, ("empty line",), by=operator))
        violations, findings = self._operator_checks(u)
        refused = self._grounded(u, violations, findings, force_reason, f" of {operator}'s edit")
        if refused is not None and refused.forceable:
            return self._record(replace(refused, reasons=(*refused.reasons, "the line stays held")))
        self._take(utterance_id, operator)
        if refused is not None:
            return self._record(refused)
        return self._record(self._forced(u, findings, force_reason, (f"approved with an edit by {operator}",)))

    def reject(self, utterance_id: str, operator: str, reason: str = "") -> GateDecision:
        """An operator refuses a held line: it is never spoken."""
        held = self._take(utterance_id, operator)
        why = f"rejected by {operator}" + (f": {reason}" if reason else "")
        return self._record(GateDecision(Verdict.BLOCK, held.utterance, (why,), by=operator))

    def withdraw(self, utterance_id: str, reason: str) -> GateDecision:
        """The show drops a held line (stale, superseded, the show ended); recorded like any decision."""
        with self._lock:
            if utterance_id not in self._pending:
                raise GateError(f"no held line with id {utterance_id!r}")
            held = self._pending.pop(utterance_id)
        return self._record(GateDecision(Verdict.BLOCK, held.utterance, (f"withdrawn: {reason}",)))
