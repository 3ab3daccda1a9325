"""Drafting proposals for a person to review, and the compliance linter every draft passes.
Pure: functions over models and text; the OpenAI drafter is an adapter (:mod:`bidboard.ai`).

- ``compose``: one job's draft with the repair path and the fallback to the template
- ``draft``: ``Draft``, ``DraftRequest``, ``Snippet`` and the ``Drafter`` protocol
- ``template`` (assembly from the snippet library), ``sections`` (its sections in words),
  ``domains`` (kinds of work), ``fit`` (which portfolio items may be cited), ``answers``
  (screening questions answered)
- ``post`` (reading the job post), ``phrasing`` (its words said back), ``questions`` (the
  post's screening questions)
- ``lint`` (the linter, its findings and report), ``lint_patterns`` (what it looks for),
  ``fingerprint`` (near-duplicate fingerprints)

A draft's card content is the Notion adapter's (:mod:`bidboard.notion.card`).
"""
