"""Review marks: an analyst's verdict on a hit (`mark`), and what the verdicts add up to
(`report`).

A mark is attached to a hit id (hits keep their ids when an article is matched again) and
keeps a copy of what the hit said: when the hit goes (its article was edited and the figure
is gone, or a rule no longer finds it), `reviews.hit_id` becomes NULL and the mark still
counts, for the organisation and metric it was about. One mark per hit: marking again
replaces the verdict and the note, since a second opinion on the same hit is a correction,
not a second vote.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UnknownHit
from .store import Store, utcnow


@dataclass(frozen=True)
class Marked:
    hit_id: int
    verdict: str
    replaced: str | None
    """The verdict this mark replaced, None when the hit had none."""


@dataclass(frozen=True)
class Precision:
    """Right and wrong marks of one organisation or metric."""

    key: str
    name: str | None
    right: int
    wrong: int

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong)


@dataclass(frozen=True)
class Report:
    since: str | None
    right: int
    wrong: int
    by_organisation: list[Precision]
    by_metric: list[Precision]
    unreviewed: int
    """Hits the rules found (since `since`) that have no mark."""
    examples: list[dict]
    """The most recent of them, at most the limit asked for."""


def mark(store: Store, hit_id: int, verdict: str, note: str | None) -> Marked:
    """Store a verdict ('right' or 'wrong': the table's CHECK refuses any other) on a hit,
    replacing the hit's earlier one. Raises UnknownHit for an id no hit has (a mark on
    nothing would count for nobody)."""
    with store.transaction() as conn:
        hit = conn.execute("SELECT id, article_id, kind, organisation, metric, value, matched "
                           "FROM hits WHERE id = ?", (hit_id,)).fetchone()
        if hit is None:
            raise UnknownHit(hit_id)
        before = conn.execute("SELECT verdict FROM reviews WHERE hit_id = ?",
                              (hit_id,)).fetchone()
        conn.execute(
            "INSERT INTO reviews (hit_id, article_id, kind, organisation, metric, value, "
            "matched, verdict, note, created) VALUES (:id, :article_id, :kind, :organisation, "
            ":metric, :value, :matched, :verdict, :note, :now) ON CONFLICT(hit_id) DO UPDATE "
            "SET article_id = excluded.article_id, kind = excluded.kind, "
            "organisation = excluded.organisation, metric = excluded.metric, "
            "value = excluded.value, matched = excluded.matched, verdict = excluded.verdict, "
            "note = excluded.note, created = excluded.created",
            {**dict(hit), "verdict": verdict, "note": note, "now": utcnow()})
    return Marked(hit_id, verdict, before["verdict"] if before else None)


def report(store: Store, since: str | None, limit: int) -> Report:
    """Precision per organisation and per metric of the marks made since `since` (all when
    None), and the hits stored since then that nobody marked, the `limit` most recent."""
    marks = store.query("SELECT kind, organisation, metric, verdict FROM reviews "
                        "WHERE created >= coalesce(?, '')", (since,))
    names = {(kind, row["id"]): row["name"] for kind in ("organisation", "metric")
             for row in store.query(f"SELECT id, name FROM {kind}s")}
    # What the rules found; candidate phrases are `candidates`' business, not hits to review.
    unreviewed_where = (
        "FROM hits_view WHERE kind != 'candidate' AND created >= coalesce(?, '') "
        "AND NOT EXISTS (SELECT 1 FROM reviews WHERE reviews.hit_id = hits_view.id)")
    unreviewed = store.conn.execute(f"SELECT count(*) {unreviewed_where}",
                                    (since,)).fetchone()[0]
    examples = store.query(
        "SELECT id, date, source, kind, organisation_name, metric, value, unit, matched, title "
        f"{unreviewed_where} ORDER BY created DESC, id DESC LIMIT ?", (since, limit))
    right = sum(m["verdict"] == "right" for m in marks)
    return Report(since, right, len(marks) - right, _tally(marks, "organisation", names),
                  _tally(marks, "metric", names), unreviewed, examples)


def _tally(marks: list[dict], column: str, names: dict) -> list[Precision]:
    """Right and wrong marks per value of `column`, least precise first (what to fix), then
    the most marked."""
    counts: dict[str, list[int]] = {}
    for m in marks:
        if m[column] is not None:
            counts.setdefault(m[column], [0, 0])[m["verdict"] == "wrong"] += 1
    found = [Precision(key, names.get((column, key)), right, wrong)
             for key, (right, wrong) in counts.items()]
    return sorted(found, key=lambda p: (p.precision, -(p.right + p.wrong), p.key))
