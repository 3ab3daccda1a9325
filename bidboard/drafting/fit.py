"""Which portfolio items a draft may cite: those that fit the job, with the skills they share
with its post (both drafters cite only these)."""

from __future__ import annotations

from bidboard.drafting.draft import DraftRequest
from bidboard.drafting.lint import words
from bidboard.scoring.portfolio import PortfolioItem

FIT_THRESHOLD = 0.2  # portfolio similarity (0-1) from which an item may be cited...

FIT_ONE_SKILL = 0.3  # ...with two shared skills, or one shared skill from this similarity


def _matched_skills(item: PortfolioItem, request: DraftRequest) -> list[str]:
    job = request.job
    text = " " + " ".join(words(" ".join([job.title, job.description or "", *job.skills]))) + " "
    return [s for s in item.skills if f" {' '.join(words(s))} " in text]


def fitting_items(request: DraftRequest) -> list[tuple[PortfolioItem, list[str]]]:
    """The portfolio items worth citing, best first, with the skills they share with the post:
    similarity at or above ``FIT_THRESHOLD`` and two shared skills, or one shared skill and a
    similarity at or above ``FIT_ONE_SKILL``; and one of the shared skills named in the post's
    own words, not only in its skill tags."""
    similarity = {m.page_id: m.similarity for m in request.score.portfolio_matches}
    fits = []
    job = request.job
    said = " " + " ".join(words(f"{job.title} {job.description or ''}")) + " "
    for item in request.portfolio:
        shared = _matched_skills(item, request)
        fit = similarity.get(item.page_id, 0.0)
        named = [s for s in shared if f" {' '.join(words(s))} " in said]  # in the post's text
        if (
            fit >= FIT_THRESHOLD
            and (len(shared) >= 2 or (shared and fit >= FIT_ONE_SKILL))
            and named
        ):
            fits.append((item, shared))
    return fits
