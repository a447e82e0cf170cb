"""Which records a summary page covers: the current round's."""

from __future__ import annotations

from taizhang.link import Ledger
from taizhang.model import FeedbackRecord, MeasureRecord, ProblemRecord, Record, RoundRecord


class Scope:
    """The records of one round, by kind, each list sorted by id."""

    def __init__(self, ledger: Ledger, rnd: RoundRecord | None):
        self.ledger, self.round = ledger, rnd
        self._by_kind: dict[str, list[Record]] = {}
        for record in ledger.records.values():
            if record.kind != "round" and (rnd is None or record.round == rnd.id):
                self._by_kind.setdefault(record.kind, []).append(record)

    def of(self, kind: str) -> list:
        return self._by_kind.get(kind, [])

    @property
    def feedback(self) -> list[FeedbackRecord]:
        return self.of("feedback")

    @property
    def problems(self) -> list[ProblemRecord]:
        """Problems proper: declarations (说明事项) are not counted."""
        return [p for p in self.of("problem") if not p.is_declaration]

    @property
    def declarations(self) -> list[ProblemRecord]:
        return [p for p in self.of("problem") if p.is_declaration]

    @property
    def causes(self) -> list[Record]:
        return self.of("cause")

    @property
    def measures(self) -> list[MeasureRecord]:
        return self.of("measure")

    @property
    def repeat_feedback(self) -> list[FeedbackRecord]:
        """屡查屡犯: this round's feedback items that repeat an earlier round's (前轮记录)."""
        return [f for f in self.feedback if self.ledger.repeats(f)]

    @property
    def repeat_problems(self) -> list[ProblemRecord]:
        return [p for p in self.problems if self.ledger.repeats(p)]

    @property
    def carried_in(self) -> list[MeasureRecord]:
        """承接事项: this round's measures that continue an earlier round's (承接自)."""
        return [m for m in self.measures if self.ledger.carried_from(m)]

    @property
    def carried_out(self) -> list[MeasureRecord]:
        """This round's measures handed over to a later round (another measure's 承接自 names them)."""
        return [m for m in self.measures if self.ledger.carried_into(m.id)]

    def areas(self) -> list[tuple[str, str]]:
        """(ordinal, name) of the round's areas, plus any area records use."""
        listed = list(self.round.areas) if self.round else []
        known = {k for k, _ in listed}
        extra = sorted({p.area for p in self.of("problem") + self.feedback if p.area and p.area not in known})
        return listed + [(a, a) for a in extra]
