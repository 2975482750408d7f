-- Uploads are now validated as they are received and staged as validated rows, so that applying
-- them is set-based SQL. A task still queued or running holds staged rows of the old shape, which
-- cannot be applied any more: it ends as failed (upload it again), and its staged rows go.
UPDATE "registration_task"
   SET "status" = 'failed', "finished_at" = now(),
       "failure_detail" = 'The service was upgraded while the task waited; records ' ||
                          CASE WHEN "processed_count" = 0 THEN 'none' ELSE '0–' || ("processed_count" - 1)::text END ||
                          ' were applied as their results say, the rest were not: upload them again'
 WHERE "status" IN ('queued', 'running');
DELETE FROM "registration_task_input";

-- AlterTable
ALTER TABLE "registration_task_input" DROP COLUMN "parse_error",
DROP COLUMN "raw",
ADD COLUMN     "action" TEXT NOT NULL,
ADD COLUMN     "certificate_type_id" TEXT,
ADD COLUMN     "certification_sub_key" TEXT,
ADD COLUMN     "errors" JSONB,
ADD COLUMN     "history_key" TEXT,
ADD COLUMN     "insurer_number" TEXT,
ADD COLUMN     "is_not_disclosed" BOOLEAN,
ADD COLUMN     "my_number" TEXT,
ADD COLUMN     "recipient_number" TEXT,
ADD COLUMN     "record" JSONB,
ADD COLUMN     "record_hash" CHAR(64),
ADD COLUMN     "valid_from" DATE,
ADD COLUMN     "valid_to" DATE,
ADD COLUMN     "warnings" JSONB;
