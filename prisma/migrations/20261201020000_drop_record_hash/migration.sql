-- Whether a re-registered record is unchanged is decided by comparing the stored and the staged
-- record (jsonb equality, which ignores key order like the canonical JSON the hash was taken of)
-- instead of their sha256: the service no longer hashes every record of an upload, and neither
-- table stores 65 bytes more per row (bench/ingest.ts).

-- AlterTable
ALTER TABLE "recipient_certificate" DROP COLUMN "record_hash";

-- AlterTable
ALTER TABLE "registration_task_input" DROP COLUMN "record_hash";
