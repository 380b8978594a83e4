-- Migration 21: the sends whose lost answer is unconfirmed, found without reading every
-- message: those `retrying` until a look in the provider's list says whether the lost attempt
-- created the message, and those `failed` after a day of looks that could not say (their
-- fate unknown, `unconfirmed_since` kept). The soak's auditor reads them at every check
-- (each may account for one message the provider holds that no row does).
CREATE INDEX sys_cs_message_unconfirmed ON sys_cs_message (unconfirmed_since)
    WHERE unconfirmed_since IS NOT NULL;
