-- A registration task's per-record results are stored a block of consecutive records per row (one block
-- per applied chunk: arrays of outcomes and historyKeys, and the errors and warnings of the few records
-- that have any) instead of a row per record with two index entries. Applying a million records wrote a
-- million result rows (bench/ingest.ts: about an eighth of the apply's CPU); now it writes 500.

-- CreateTable
CREATE TABLE "registration_task_result_block" (
    "task_id" UUID NOT NULL,
    "first_index" INTEGER NOT NULL,
    "outcomes" SMALLINT[] NOT NULL,
    "history_keys" TEXT[] NOT NULL,
    "issues" JSONB,
    "outcome_mask" SMALLINT NOT NULL,

    CONSTRAINT "registration_task_result_block_pkey" PRIMARY KEY ("task_id","first_index")
);

-- Results written before this migration, in blocks of 2,000 (a task's results are a prefix of its upload).
INSERT INTO "registration_task_result_block" ("task_id", "first_index", "outcomes", "history_keys", "issues", "outcome_mask")
SELECT "task_id", ("index" / 2000) * 2000,
       array_agg("code" ORDER BY "index"),
       array_agg("history_key" ORDER BY "index"),
       jsonb_object_agg(("index" % 2000)::text, jsonb_build_object('errors', COALESCE("errors", '[]'), 'warnings', COALESCE("warnings", '[]')))
         FILTER (WHERE "errors" IS NOT NULL OR "warnings" IS NOT NULL),
       bit_or(1 << "code")::smallint
  FROM (SELECT *, (array_position(ARRAY['created', 'updated', 'unchanged', 'deleted', 'rejected'], "outcome") - 1)::smallint AS "code"
          FROM "registration_task_result") r
 GROUP BY "task_id", "index" / 2000;

-- DropTable
DROP TABLE "registration_task_result";

ALTER TABLE "registration_task_result_block" RENAME TO "registration_task_result";
ALTER TABLE "registration_task_result" RENAME CONSTRAINT "registration_task_result_block_pkey" TO "registration_task_result_pkey";
