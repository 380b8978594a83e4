-- Migration 17: a live group profile keeps who left it. An agent who transfers a conversation,
-- leaves it or is removed by a Reassign is no longer a member (`left_at` set); the row stays, so
-- the group's history is kept, and an agent who joins again is a member again.
ALTER TABLE live_group_profile ADD COLUMN left_at TEXT;  -- when the agent left; NULL while a member
