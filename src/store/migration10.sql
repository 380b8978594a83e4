-- Migration 10: what `convsms serve` keeps beside the engine's tables, so a restart on the same
-- file resumes where it stopped and an export covers everything since the start.

-- Key/value state of the server: the virtual clock (`clock`, RFC 3339), how many times it
-- started (`generation`), the export mark (`mark`, a journal seq).
CREATE TABLE x_convsms_serve_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every action a person took through the API, as the catalogue step that does the same
-- (`When "+14155552671" texts "Hi" to "+14155550100"`), in order, with the virtual time it was
-- taken at and the server generation it was taken in.
CREATE TABLE x_convsms_serve_journal (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    generation INTEGER NOT NULL,
    step TEXT NOT NULL
);

-- The timeline's wire events (webhook in, send out, status callback), in order, at virtual time.
CREATE TABLE x_convsms_serve_event (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    message_sid TEXT,
    detail TEXT NOT NULL,
    -- The request as it went on the wire: JSON {"method", "url", "headers", "form", "answer"}.
    request TEXT
);
