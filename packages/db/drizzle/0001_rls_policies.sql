-- Row-level security for direct Supabase access (supabase-js with an end-user JWT).
-- The apps connect as the table owner, which bypasses these policies, and scope every
-- query by owner_id themselves.

-- Supabase's `authenticated` role and `auth.uid()` exist on Supabase; create stand-ins elsewhere
-- (plain Postgres, PGlite) so the same policies apply and can be tested.
DO $$
BEGIN
  CREATE ROLE authenticated NOLOGIN;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'auth' AND p.proname = 'uid'
  ) THEN
    CREATE SCHEMA IF NOT EXISTS auth;
    -- Same contract as Supabase's auth.uid(): the `sub` claim of the request's JWT.
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$
      SELECT coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
      )::uuid
    $fn$;
    GRANT USAGE ON SCHEMA auth TO authenticated;
  END IF;
END
$$;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON
  agents, agent_versions, sessions, transcript_items, simulations, simulation_runs
  TO authenticated;
--> statement-breakpoint
ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE agent_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE transcript_items ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE simulations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE simulation_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- No policies and no grants: end users never read these directly.
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE webhook_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY agents_owner ON agents FOR ALL TO authenticated
  USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
--> statement-breakpoint
CREATE POLICY agent_versions_owner ON agent_versions FOR ALL TO authenticated
  USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
--> statement-breakpoint
CREATE POLICY sessions_owner ON sessions FOR ALL TO authenticated
  USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
--> statement-breakpoint
CREATE POLICY transcript_items_owner ON transcript_items FOR ALL TO authenticated
  USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
--> statement-breakpoint
CREATE POLICY simulations_owner ON simulations FOR ALL TO authenticated
  USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
--> statement-breakpoint
CREATE POLICY simulation_runs_owner ON simulation_runs FOR ALL TO authenticated
  USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
--> statement-breakpoint
-- Published versions never change: publishing always inserts a new row.
CREATE FUNCTION reject_agent_version_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'agent_versions rows are immutable; publish a new version instead'
    USING ERRCODE = 'restrict_violation';
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER agent_versions_immutable BEFORE UPDATE ON agent_versions
  FOR EACH ROW EXECUTE FUNCTION reject_agent_version_update();
