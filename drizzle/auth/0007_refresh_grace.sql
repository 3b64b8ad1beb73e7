ALTER TABLE "auth"."refresh_tokens" ADD COLUMN "replaced_by" uuid;--> statement-breakpoint
ALTER TABLE "auth"."refresh_tokens" ADD COLUMN "used_ip" text;--> statement-breakpoint
ALTER TABLE "auth"."refresh_tokens" ADD COLUMN "used_user_agent" text;