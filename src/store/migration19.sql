-- Migration 19: an index of each requester's cases. The virtual agent's open-cases topic (a
-- Dynamic Choice) and an agent's card read a requester's open cases by (contact_table,
-- contact); without it each read scanned every case (a soak of 10,000 requesters has about
-- 3,700: 10% of its run was that scan). In number order, so the read's ORDER BY sorts nothing.
CREATE INDEX sn_customerservice_case_contact
    ON sn_customerservice_case (contact_table, contact, number);
