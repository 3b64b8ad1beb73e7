ALTER TABLE "notification"."deliveries" ADD COLUMN "cost_poisha" bigint;--> statement-breakpoint
ALTER TABLE "notification"."template_versions" ADD COLUMN "sms_text" text;--> statement-breakpoint
ALTER TABLE "notification"."template_versions" ADD COLUMN "in_app_title" text;--> statement-breakpoint
ALTER TABLE "notification"."template_versions" ADD COLUMN "in_app_body" text;