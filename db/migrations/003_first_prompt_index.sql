-- Time to first scene looks up each project's first user prompt. Without this index that is a
-- scan of every user message; with it, one index probe per project, so the analytics model's
-- project_starts rollup can be built one month at a time (see model/README.md, "Refresh").
CREATE INDEX messages_user_project_created_at_idx ON messages (project_id, created_at)
  WHERE role = 'user';
