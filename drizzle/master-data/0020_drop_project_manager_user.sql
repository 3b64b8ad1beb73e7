-- The project manager is named by organization's membership id (0019); a user id cannot be turned into
-- one here (this service never reads organization), so the user column goes and a manager is set again.
ALTER TABLE "master_data"."projects" DROP COLUMN "manager_user_id";