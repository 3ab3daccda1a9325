"""Scoring throughput: 10,000 jobs against the example saved searches and 500 portfolio items.

How: jobs and portfolio items are generated from a vocabulary of 240 skills and 600 common
words (seeded, so every run is the same), with 3-8 skills and a 40-120 word description each.
The TF-IDF index over the portfolio is built once (timed apart); then ``score_job`` runs for
every job. Peak memory is the process's maximum resident set. Prints ``name=value`` lines.

    python -m bench.scoring [--jobs 10000] [--items 500]
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import UTC, datetime

from bidboard.alerts.alert import JobAlert
from bidboard.loaders import load_searches
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.score import Portfolio, score_job
from bidboard.scoring.searches import EXAMPLE_PATH

BASE_SKILLS = [
    "python",
    "fastapi",
    "django",
    "flask",
    "postgresql",
    "react",
    "vue",
    "angular",
    "typescript",
    "javascript",
    "node",
    "aws",
    "gcp",
    "azure",
    "docker",
    "kubernetes",
    "terraform",
    "airflow",
    "spark",
    "pandas",
    "zapier",
    "notion",
    "airtable",
    "n8n",
    "shopify",
    "wordpress",
    "php",
    "laravel",
    "ruby",
    "rails",
    "go",
    "rust",
    "java",
    "kotlin",
    "swift",
    "flutter",
    "figma",
    "webflow",
    "stripe",
    "openai",
]
SKILLS = BASE_SKILLS + [
    f"{s}-{suffix}"
    for s in BASE_SKILLS
    for suffix in ("api", "migration", "testing", "integration", "expert")
]
WORDS = [f"word{i}" for i in range(560)] + [
    "dashboard",
    "backend",
    "automation",
    "pipeline",
    "scraper",
    "mobile",
    "website",
    "api",
    "report",
    "integration",
    "migration",
    "performance",
    "marketplace",
    "checkout",
    "analytics",
    "bot",
    "chatbot",
    "etl",
    "crm",
    "landing",
    "redesign",
    "maintenance",
    "bugfix",
    "deployment",
    "monitoring",
    "search",
    "billing",
    "invoicing",
    "onboarding",
    "scheduling",
    "inventory",
    "booking",
    "portal",
    "extension",
    "plugin",
    "theme",
    "audit",
    "security",
    "testing",
    "refactor",
]


def text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def portfolio_items(rng: random.Random, count: int) -> list[PortfolioItem]:
    return [
        PortfolioItem(
            page_id=f"p{i}",
            name=f"Project {i} {text(rng, 2, 4)}",
            summary=text(rng, 30, 80),
            skills=rng.sample(SKILLS, rng.randint(3, 8)),
            outcome=text(rng, 5, 15),
        )
        for i in range(count)
    ]


def jobs(rng: random.Random, count: int) -> list[JobAlert]:
    now = datetime.now(UTC)
    out = []
    for i in range(count):
        key = f"~01{i:016x}"
        hourly = rng.random() < 0.5
        top = rng.choice([0, 15, 30, 45, 80]) if hourly else rng.choice([0, 100, 500, 1500, 5000])
        out.append(
            JobAlert(
                job_key=key,
                url=f"https://www.upwork.com/jobs/{key}",
                title=f"{text(rng, 3, 7)} {rng.choice(SKILLS)}",
                description=text(rng, 40, 120),
                skills=rng.sample(SKILLS, rng.randint(3, 8)),
                budget_type="hourly" if hourly else "fixed",
                budget_min=top or None,
                budget_max=top or None,
                client_payment_verified=rng.choice([True, False, None]),
                client_rating=rng.choice([None, 3.5, 4.6, 4.9]),
                client_spend_usd=rng.choice([None, 0.0, 800.0, 79000.0]),
                experience_level=rng.choice([None, "Entry", "Intermediate", "Expert"]),
                source="email",
                source_ref=f"bench:{i}",
                received_at=now,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(20261125)
    items = portfolio_items(rng, args.items)
    alerts = jobs(rng, args.jobs)
    searches = load_searches(EXAMPLE_PATH)
    started = time.perf_counter()
    portfolio = Portfolio.build(items)
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    verdicts = {"shortlist": 0, "review": 0, "skip": 0}
    for alert in alerts:
        verdicts[score_job(alert, searches, portfolio).verdict] += 1
    seconds = time.perf_counter() - started
    print(f"jobs={len(alerts)} portfolio_items={len(items)}")
    print(f"index_build_seconds={index_seconds:.3f}")
    print(f"scoring_seconds={seconds:.2f}")
    print(f"jobs_per_second={len(alerts) / seconds:.0f}")
    print(f"ms_per_job={seconds / len(alerts) * 1000:.3f}")
    print(f"shortlist={verdicts['shortlist']} review={verdicts['review']} skip={verdicts['skip']}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
