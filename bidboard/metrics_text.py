"""The weekly figures as people read them: values shown with their units, one summary sentence,
the figures and breakdown tables (rows for the Notion page, markdown for Prefect, text for the
terminal)."""

from __future__ import annotations

from datetime import timedelta

from bidboard.metrics import (
    BREAKDOWNS,
    FIGURES,
    MONEY,
    RATES,
    SPEED_BREAKDOWNS,
    WeeklyRollup,
)


def show(name: str, value: float | None) -> str:
    """A figure as people read it: rates in %, money in $, medians to one decimal."""
    if value is None:
        return "—"
    if name in RATES:
        return f"{value * 100:.1f}%"
    if name in MONEY:
        return f"${value:,.2f}"
    if name.startswith("Median"):
        return f"{value:.1f}"
    return f"{value:g}"


def show_change(name: str, value: float | None) -> str:
    if value is None:
        return ""
    if name in RATES:
        return f"{value * 100:+.1f} pts"
    if name in MONEY:
        return f"{'+' if value >= 0 else '-'}${abs(value):,.2f}"
    return f"{value:+.1f}" if name.startswith("Median") else f"{value:+g}"


def summary_sentence(rollup: WeeklyRollup) -> str:
    f = rollup.figures
    text = (
        f"Week {rollup.week.label} ({rollup.start:%a %d %b %Y} to "
        f"{rollup.end - timedelta(days=1):%a %d %b %Y}, {rollup.timezone}): "
        f"{show('Alerts', f['Alerts'])} jobs received, {show('Shortlisted', f['Shortlisted'])} "
        f"shortlisted, {show('Drafted', f['Drafted'])} drafted; "
        f"{show('Submitted', f['Submitted'])} proposals submitted, view rate "
        f"{show('View rate', f['View rate'])}, reply rate {show('Reply rate', f['Reply rate'])}, "
        f"win rate {show('Win rate', f['Win rate'])}, revenue {show('Revenue', f['Revenue'])} "
        f"({show('Revenue per proposal', f['Revenue per proposal'])} per proposal)."
    )
    if rollup.maturing:
        text += (
            " This cohort is still maturing (the week ended less than 14 days ago): "
            "its rates may still rise."
        )
    if rollup.won_without_value:
        text += f" {rollup.won_without_value} won card(s) have no Contract value yet."
    if rollup.unstamped_proposals:
        text += (
            f" {rollup.unstamped_proposals} card(s) in proposal stages have no stamp yet "
            "(board sync has not seen them) and are not counted."
        )
    return text


def figures_rows(rollup: WeeklyRollup) -> list[list[str]]:
    rows = [["Figure", "This week", "Previous week", "Change"]]
    for name in FIGURES:
        rows.append(
            [
                name,
                show(name, rollup.figures[name]),
                show(name, rollup.previous[name]),
                show_change(name, rollup.change(name)),
            ]
        )
    return rows


BREAKDOWN_COLUMNS = (
    "Alerts",
    "Drafted",
    "Submitted",
    "View rate",
    "Reply rate",
    "Win rate",
    "Revenue",
    "Revenue per proposal",
)


def breakdown_rows(rollup: WeeklyRollup, key: str, title: str, limit: int = 30) -> list[list[str]]:
    rows = [[title, *BREAKDOWN_COLUMNS]]
    entries = rollup.breakdowns.get(key, [])
    for name, figures in entries[:limit]:
        rows.append([name, *(show(c, figures[c]) for c in BREAKDOWN_COLUMNS)])
    if len(entries) > limit:
        rows.append([f"({len(entries) - limit} more not shown)"])
    return rows


SPEED_COLUMNS = ("Submitted", "Replied", "Reply rate", "Won", "Win rate")


def speed_rows(rollup: WeeklyRollup, key: str, title: str) -> list[list[str]]:
    """A speed-to-lead breakdown's proposals only (its buckets in order, fastest first)."""
    rows = [[title, *SPEED_COLUMNS]]
    for name, figures in rollup.breakdowns.get(key, []):
        if name != "(not submitted)" and figures["Submitted"]:
            rows.append([name, *(show(c, figures[c]) for c in SPEED_COLUMNS)])
    return rows


def as_markdown(rollup: WeeklyRollup) -> str:
    def table(rows: list[list[str]]) -> list[str]:
        width = len(rows[0])
        padded = [r + [""] * (width - len(r)) for r in rows]
        out = ["| " + " | ".join(padded[0]) + " |", "|" + " --- |" * width]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in padded[1:]]
        return out

    lines = [f"# Weekly metrics {rollup.week.label}", "", summary_sentence(rollup), ""]
    lines += table(figures_rows(rollup))
    for key, title in BREAKDOWNS + SPEED_BREAKDOWNS:
        lines += ["", f"## By {title.lower()}", ""]
        lines += table(breakdown_rows(rollup, key, title))
    return "\n".join(lines) + "\n"


def as_text(rollup: WeeklyRollup) -> str:
    def table(rows: list[list[str]]) -> list[str]:
        width = max(len(r) for r in rows)
        padded = [r + [""] * (width - len(r)) for r in rows]
        sizes = [max(len(r[i]) for r in padded) for i in range(width)]
        return [
            "  ".join(cell.ljust(sizes[i]) for i, cell in enumerate(r)).rstrip() for r in padded
        ]

    lines = [summary_sentence(rollup), ""]
    lines += table(figures_rows(rollup))
    for key, title in BREAKDOWNS + SPEED_BREAKDOWNS:
        lines += ["", f"By {title.lower()}:"]
        lines += table(breakdown_rows(rollup, key, title, limit=15))
    return "\n".join(lines) + "\n"
