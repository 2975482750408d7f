-- A registered row's certificate type is no longer checked by a foreign key, which ran one
-- referential-integrity query per inserted row (a sixth of applying a chunk: bench/ingest.ts).
-- The service keeps the same guarantee with the same row locks, once per chunk instead of per row:
-- a chunk locks the types its records use FOR KEY SHARE and rejects records whose type is gone
-- (src/registrations/processor.ts); deleting a type locks its row FOR UPDATE, then refuses while
-- any row uses it (src/certificate-types/repository.ts).

-- DropForeignKey
ALTER TABLE "recipient_certificate" DROP CONSTRAINT "recipient_certificate_municipality_code_certificate_type_i_fkey";
