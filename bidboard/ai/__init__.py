"""The OpenAI adapter: the client (egress-guarded, secrets redacted), the OpenAI drafter and the
portfolio embeddings with their local cache. Nothing else imports ``openai``."""
