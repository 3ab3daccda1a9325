"""The Notion REST endpoints the emulator serves, one module per resource.

``routes`` maps each method and path to its handler; ``common`` holds what the handlers share
(the request context, pagination, lookups answering Notion's 404s, shared error bodies). Each
handler validates the whole request before it writes anything, so a rejected request changes
nothing; the store commits once per request.
"""
