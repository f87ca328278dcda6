-- The outbox (internal/notify): SMS and e-mail messages written in the same
-- transaction as the event that causes them, and sent later by a worker.

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    channel    TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient  TEXT NOT NULL,
    template   TEXT NOT NULL,
    params     TEXT NOT NULL DEFAULT '{}',
    body       TEXT NOT NULL,
    lang       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    send_after TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP
);
-- The worker's claim: due pending messages.
CREATE INDEX outbox_due ON outbox(status, send_after);
-- The newest message of a kind to one recipient (Latest; rate limits).
CREATE INDEX outbox_recipient ON outbox(recipient, template, id);
