-- Migration 17: a live group profile knows who left it. An agent who transfers a conversation,
-- leaves it or is removed by a Reassign is no longer a member (`left_at` set); the row stays
-- (when they last joined and left), and an agent who joins again is a member again (the row's
-- `joined_at` becomes the new one, `left_at` empty).
ALTER TABLE live_group_profile ADD COLUMN left_at TEXT;  -- when the agent left; NULL while a member
