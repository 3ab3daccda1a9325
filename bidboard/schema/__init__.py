"""bidboard's Notion databases and views as data, and the codecs between domain values and
property JSON. Declarative: no I/O, no client; ``bidboard.notion`` applies them."""
