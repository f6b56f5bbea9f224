-- A password someone else chose for an admin (an owner's reset on the Team page, or a new admin's
-- generated password) is a one-time password: it was shown to the owner and travelled to the admin
-- by hand. Until the admin sets their own, every session of theirs may only change it (the admin door
-- sends every page to the change-password page; the API door refuses with 403 password_change_required).
-- Setting their own password clears it. `bun run cli admin create` takes a password the operator chose,
-- so it leaves this false.

alter table admins add column password_must_change boolean not null default false;
