CREATE TABLE "voxie_drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"session_id" uuid,
	"agent_id" uuid,
	"definition" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "voxie_drafts_status_check" CHECK ("voxie_drafts"."status" in ('open', 'published', 'discarded'))
);
--> statement-breakpoint
ALTER TABLE "voxie_drafts" ADD CONSTRAINT "voxie_drafts_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "voxie_drafts_owner_status_updated_idx" ON "voxie_drafts" USING btree ("owner_id","status","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "voxie_drafts_session_idx" ON "voxie_drafts" USING btree ("session_id");--> statement-breakpoint
ALTER TABLE voxie_drafts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY voxie_drafts_owner ON voxie_drafts FOR ALL TO authenticated
  USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON voxie_drafts TO authenticated;
