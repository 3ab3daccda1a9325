"""What the tests share: the real peers (Dovecot, the OpenAPI contract), builders of boards and
databases on the emulator, corpora, and the project's paths."""
