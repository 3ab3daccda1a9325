"""The Notion adapter: the client (one retry layer, egress-guarded), the board gateway (cards by
job key, by intent; its filters in ``queries``), card and page content as blocks within the
block budget, the weekly metrics and "What gets replies" pages, bootstrap (``init``, ``verify``,
``migrate``) and the local workspace file. The databases themselves are declared in
``bidboard.schema``."""
