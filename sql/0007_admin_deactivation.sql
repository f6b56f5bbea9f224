-- An owner can take an admin's access away without deleting the admin: their actor id stays on
-- ledger rows and events (I9), and they can be let back in later. A deactivated admin cannot sign in,
-- and every session of theirs stops working at once (the session lookup and the stream sweep both
-- check this column, so even a direct UPDATE takes effect without touching admin_sessions).

alter table admins add column deactivated_at timestamptz;
