-- Sign-in attempts per account (impl/domain/identity.py, failed-password throttling). `subject` is a SHA-256 hex of
-- the case-folded email, never the email itself, and exists for unknown emails too (so the throttle cannot tell
-- whether an account exists). A row lives for one window: it opens at the first attempt after the previous window
-- ended and counts every attempt in it; a sign-in that opens a session deletes it. Ended windows are deleted on the
-- next attempt of anyone (the index), so the table holds at most the subjects tried within one window.
CREATE TABLE login_attempts (
    subject            TEXT PRIMARY KEY,
    attempts           INTEGER NOT NULL,
    window_ends_at_ms  INTEGER NOT NULL
);
CREATE INDEX login_attempts_by_end ON login_attempts(window_ends_at_ms);
