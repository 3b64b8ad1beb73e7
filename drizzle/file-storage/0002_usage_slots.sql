-- A tenant's one usage row becomes slot 0 of its quota slots, not balanced yet (quota_bytes -1): the
-- tenant's next upload locks its slots and spreads the free bytes over them (domain/quota.ts).
ALTER TABLE "file_storage"."usage" ADD COLUMN "slot" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "file_storage"."usage" ADD COLUMN "free_bytes" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "file_storage"."usage" ADD COLUMN "quota_bytes" bigint DEFAULT -1 NOT NULL;--> statement-breakpoint
ALTER TABLE "file_storage"."usage" DROP CONSTRAINT "usage_pkey";--> statement-breakpoint
ALTER TABLE "file_storage"."usage" ADD CONSTRAINT "usage_pkey" PRIMARY KEY("tenant_id","slot");
