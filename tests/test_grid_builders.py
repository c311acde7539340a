"""Hand-built sessions for the grid and step-locator tests (no test here: builders only).

``Session`` appends turns one after the other and returns the ids of the tags placed in each, so a
test states a dialogue and its tags the way an annotator would, links included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.types import Measures, RoleMeasures, Tag, TagSet, Transcript, Turn


@dataclass
class T:
    """One tag to place in a turn: label, links (tag ids), confidence, attributes."""

    label: str
    links: tuple[str, ...] = ()
    confidence: float = 0.9
    attributes: dict[str, Any] = field(default_factory=dict)


class Session:
    """Build a Transcript and TagSet turn by turn; times advance by each turn's duration plus a gap."""

    def __init__(
        self, session_id: str = "test-session", scenario: str | None = None, gap: float = 0.5
    ) -> None:
        self.turns: list[Turn] = []
        self.tags: list[Tag] = []
        self.time = 0.0
        self.gap = gap
        self.session_id = session_id
        self.scenario = scenario

    def say(self, role: str, text: str, *tags: T, duration: float = 5.0) -> list[str]:
        tid = f"t{len(self.turns) + 1}"
        start, end = self.time, self.time + duration
        self.turns.append(
            Turn(
                id=tid,
                speaker="SPK_A" if role == "candidate" else "SPK_B",
                start=start,
                end=end,
                text=text,
                role=role,
            )
        )
        ids = []
        for spec in tags:
            gid = f"g{len(self.tags) + 1}"
            self.tags.append(
                Tag(
                    id=gid,
                    label=spec.label,
                    turn_id=tid,
                    start_char=0,
                    end_char=len(text),
                    quote=text,
                    start=start,
                    end=end,
                    confidence=spec.confidence,
                    attributes=spec.attributes,
                    links=spec.links,
                )
            )
            ids.append(gid)
        self.time = end + self.gap
        return ids

    def cand(self, text: str, *tags: T, duration: float = 5.0) -> list[str]:
        return self.say("candidate", text, *tags, duration=duration)

    def client(self, text: str, *tags: T, duration: float = 5.0) -> list[str]:
        return self.say("client", text, *tags, duration=duration)

    def transcript(self) -> Transcript:
        return Transcript(
            turns=tuple(self.turns), duration=self.time, session_id=self.session_id, scenario=self.scenario
        )

    def tagset(self) -> TagSet:
        return TagSet(tuple(self.tags))


def measures(
    share: float | None, band: tuple[float, float] | None = None, duration: float = 1800.0
) -> Measures:
    """Measures with the given client talk share (the rest is filler that the grid does not read)."""
    speech = duration * 0.9
    client = speech * (share or 0.0)
    return Measures(
        duration=duration,
        client_talk_share=share,
        client_talk_share_band=band,
        per_role={
            "client": RoleMeasures(client, 10, 1000, 30.0, 150.0),
            "candidate": RoleMeasures(speech - client, 10, 1000, 30.0, 150.0),
        },
        overlap_time=0.0,
        overlap_count=0,
        interruption_count=0,
        silence_share=0.1,
        speech_time=speech,
    )
