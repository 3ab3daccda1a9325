"""bidboard's four Notion databases, declared once. Property names are part of the product."""

from __future__ import annotations

from bidboard.metrics import FIGURES
from bidboard.models import MACHINE_STAGES, STAMPS, Stage
from bidboard.schema.spec import DatabaseSpec, Option, PropertySpec

STAGE_COLORS: dict[Stage, str] = {
    Stage.NEW: "blue",
    Stage.DRAFTED: "purple",
    Stage.NEEDS_ATTENTION: "red",
    Stage.REVIEWING: "yellow",
    Stage.SUBMITTED: "orange",
    Stage.VIEWED: "brown",
    Stage.REPLIED: "pink",
    Stage.INTERVIEW: "green",
    Stage.WON: "green",
    Stage.LOST: "gray",
    Stage.SKIPPED: "default",
    Stage.LOW_FIT: "gray",
}
STAGE_OPTIONS = tuple(Option(stage.value, STAGE_COLORS[stage]) for stage in Stage)
MACHINE_STAGE_NAMES = frozenset(stage.value for stage in MACHINE_STAGES)


def _p(name: str, kind: str, field: str | None = None, **extra: object) -> PropertySpec:
    return PropertySpec(name, kind, field, **extra)  # type: ignore[arg-type]


PORTFOLIO = DatabaseSpec(
    "portfolio",
    "Portfolio",
    (
        _p("Name", "title"),
        _p("Summary", "rich_text"),
        _p("Skills", "multi_select"),
        _p("Upwork URL", "url"),
        _p("Outcome", "rich_text"),
        _p("Active", "checkbox"),
    ),
)

SNIPPETS = DatabaseSpec(
    "snippets",
    "Snippets",
    (
        _p("Name", "title"),
        _p(
            "Kind",
            "select",
            options=tuple(
                Option(n, c)
                for n, c in (
                    ("Opening", "blue"),
                    ("Experience", "green"),
                    ("Approach", "purple"),
                    ("Closing", "orange"),
                    ("FAQ", "gray"),
                    ("Bridge", "yellow"),
                    ("Answer", "pink"),
                )
            ),
        ),
        _p("Text", "rich_text"),
        _p("Skills", "multi_select"),
        _p("Active", "checkbox"),
    ),
)

JOBS = DatabaseSpec(
    "jobs",
    "Jobs",
    (
        _p("Name", "title", "name"),
        _p("Job key", "rich_text", "job_key"),
        _p("Job URL", "url", "job_url"),
        _p(
            "Source",
            "select",
            "source",
            options=tuple(
                Option(n, c)
                for n, c in (  # a feed shows as "Feed: <its title>", an option made on write
                    ("Upwork email", "blue"),
                    ("Upwork email (derived key)", "yellow"),
                    ("Vollna", "green"),
                    ("Webhook", "purple"),
                    ("JSON file", "pink"),
                    ("Manual", "gray"),
                )
            ),
        ),
        _p("Alert search", "select", "saved_search"),
        _p("Scored by", "select", "scored_by"),
        _p("Posted at", "date", "posted_at"),
        _p("Received at", "date", "received_at"),
        _p(
            "Budget type",
            "select",
            "budget_type",
            options=(Option("Fixed", "green"), Option("Hourly", "blue")),
        ),
        _p("Budget min", "number", "budget_min", number_format="dollar"),
        _p("Budget max", "number", "budget_max", number_format="dollar"),
        _p(
            "Experience",
            "select",
            "experience",
            options=tuple(
                Option(n, c)
                for n, c in (("Entry", "gray"), ("Intermediate", "blue"), ("Expert", "purple"))
            ),
        ),
        _p("Duration", "select", "duration"),
        _p("Skills", "multi_select", "skills"),
        _p("Category", "select", "category"),
        _p("Client country", "select", "client_country"),
        _p("Payment verified", "checkbox", "payment_verified"),
        _p("Client rating", "number", "client_rating", number_format="number"),
        _p("Client spend", "number", "client_spend", number_format="dollar"),
        _p("Score", "number", "score", number_format="number"),
        _p("Score reasons", "rich_text", "score_reasons"),
        _p("Portfolio matches", "relation", "portfolio_matches", relation_to="portfolio"),
        _p("Stage", "select", "stage", options=STAGE_OPTIONS),
        _p(
            "Compliance",
            "select",
            "compliance",
            options=(Option("OK", "green"), Option("Flagged", "red")),
        ),
        _p("Compliance findings", "rich_text", "compliance_findings"),
        _p("Draft fingerprint", "rich_text", "draft_fingerprint"),
        _p("Drafted by", "select", "drafted_by"),
        _p("Drafted at", "date", "drafted_at"),
        _p("Connects", "number", "connects", number_format="number"),
        _p("Bid", "number", "bid", number_format="dollar"),
        _p("Contract value", "number", "contract_value", number_format="dollar"),
        _p("Submitted at", "date", "submitted_at"),
        _p("Viewed at", "date", "viewed_at"),
        _p("Replied at", "date", "replied_at"),
        _p("Interview at", "date", "interview_at"),
        _p("Won at", "date", "won_at"),
        _p("Lost at", "date", "lost_at"),
    ),
)

#: JobCard fields that people fill in on the board; ingest never writes them on a card that
#: exists already.
HUMAN_FIELDS = frozenset({"connects", "bid", "contract_value"})
#: When a card entered a stage: written by board sync, the first time only.
STAMP_FIELDS = frozenset(STAMPS.values())
#: What ingest and drafting compute, and so may write (``stage`` only through the stage guard).
MACHINE_FIELDS = frozenset(JOBS.by_field()) - HUMAN_FIELDS - STAMP_FIELDS

_METRIC_NUMBERS = FIGURES  # the rollup's figures, in the order they are shown
_PERCENT = {"View rate", "Reply rate", "Interview rate", "Win rate"}
_DOLLARS = {"Revenue", "Revenue per proposal", "Revenue per connect"}

WEEKLY_METRICS = DatabaseSpec(
    "weekly_metrics",
    "Weekly metrics",
    (
        _p("Week", "title"),
        _p("Week start", "date"),
        *(
            _p(
                name,
                "number",
                number_format="percent"
                if name in _PERCENT
                else "dollar"
                if name in _DOLLARS
                else "number",
            )
            for name in _METRIC_NUMBERS
        ),
        _p("Maturing", "checkbox"),
    ),
)

#: Properties renamed since boards were first made: database key -> {new name: old name}.
#: ``migrate`` renames them in place, so their values stay.
RENAMED: dict[str, dict[str, str]] = {"jobs": {"Alert search": "Saved search"}}

#: In creation order: a relation's target comes before the database that points to it.
ALL_DATABASES: tuple[DatabaseSpec, ...] = (PORTFOLIO, SNIPPETS, JOBS, WEEKLY_METRICS)
