-- An item names its VAT category (@vextrus/bd's VAT_CATEGORIES); its rate alone could not tell a
-- zero-rated supply (input tax credit kept) from an exempt one (credit lost), both 0%.
CREATE TYPE "master_data"."vat_category" AS ENUM('standard', 'reduced_10', 'reduced_7_5', 'reduced_5', 'zero_rated', 'exempt');--> statement-breakpoint
ALTER TABLE "master_data"."items" ADD COLUMN "vat_category" "master_data"."vat_category" DEFAULT 'standard' NOT NULL;
--> statement-breakpoint
-- The categories of the items that exist, from their rates in the one VAT table so far (from 1 July
-- 2019): 15 standard, 10 / 7.5 / 5 the Third Schedule's reduced rates. A rate of 0 becomes exempt, not
-- zero-rated: exempt claims no input tax credit, so a wrong guess costs the tenant a credit it can still
-- claim by correcting the item, whereas a wrong zero-rated would claim credit the law refuses (a VAT
-- return to amend, with interest and penalty); and 0% items of a construction company are far more often
-- First Schedule supplies than exports. Version and events are untouched (the record did not change).
-- FORCE is lifted for the backfill only: the migration's role owns the table but has no tenant context.
ALTER TABLE master_data.items NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
UPDATE master_data.items SET vat_category = CASE vat_rate
    WHEN 10 THEN 'reduced_10'::master_data.vat_category
    WHEN 7.5 THEN 'reduced_7_5'::master_data.vat_category
    WHEN 5 THEN 'reduced_5'::master_data.vat_category
    WHEN 0 THEN 'exempt'::master_data.vat_category
    ELSE 'standard'::master_data.vat_category
  END
  WHERE vat_rate <> 15;
--> statement-breakpoint
ALTER TABLE master_data.items FORCE ROW LEVEL SECURITY;
