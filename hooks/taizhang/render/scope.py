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

    def areas(self) -> list[tuple[str, str]]:
        """(ordinal, name) of the round's areas, plus any area records use."""
        listed = list(self.round.areas) if self.round else []
        known = {k for k, _ in listed}
        extra = sorted({p.area for p in self.of("problem") + self.feedback if p.area and p.area not in known})
        return listed + [(a, a) for a in extra]
