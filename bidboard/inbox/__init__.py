"""Alert sources: a folder, an IMAP mailbox (with IDLE), feeds, and the webhook with its spool.
They fetch raw alerts and are told, after the cards exist, which alerts are done or quarantined;
parsing is ``bidboard.alerts``'s."""
