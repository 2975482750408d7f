-- Duplicate keys of an upload are found once, when it is staged (one grouping of its keys), instead of
-- by an index probe per record while it is applied; the index that served those probes goes.

-- AlterTable
ALTER TABLE "registration_task_input" ADD COLUMN     "duplicate_of" INTEGER;

-- Uploads staged before this migration and not applied yet.
UPDATE "registration_task_input" i
   SET "duplicate_of" = d."first"
  FROM (SELECT "task_id", "key", min("index") AS "first"
          FROM "registration_task_input"
         WHERE "key" IS NOT NULL
         GROUP BY "task_id", "key"
        HAVING count(*) > 1) d
 WHERE i."task_id" = d."task_id" AND i."key" = d."key" AND i."index" > d."first";

-- DropIndex
DROP INDEX "registration_task_input_task_id_key_index_idx";
