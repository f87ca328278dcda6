-- Whether a post reaches the divisions below its department's (a city
-- bureau's post that oversees the county bureaus): a property of the post,
-- read by the policy's record scope (internal/identity/scope.go). It
-- replaces the per-assignment flag of 0002, which nothing set.
ALTER TABLE posts ADD COLUMN reaches_subordinate BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE staff_posts DROP COLUMN subordinate;
