"""The OpenAI adapter: the client (egress-guarded, secrets redacted, the SDK's errors translated
into ``OpenAIFailed`` or the egress refusal), the OpenAI drafter and the portfolio embeddings
with their local cache. Nothing else imports ``openai``."""
