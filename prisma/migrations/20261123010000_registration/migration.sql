-- CreateTable
CREATE TABLE "municipal_credential" (
    "id" UUID NOT NULL,
    "municipality_code" CHAR(6) NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "municipal_credential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "certificate_type" (
    "municipality_code" CHAR(6) NOT NULL,
    "id" VARCHAR(50) NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "certificate_type_pkey" PRIMARY KEY ("municipality_code","id")
);

-- CreateTable
CREATE TABLE "recipient_certificate" (
    "municipality_code" CHAR(6) NOT NULL,
    "certificate_type_id" VARCHAR(50) NOT NULL,
    "my_number" CHAR(12) NOT NULL,
    "certification_sub_key" VARCHAR(50) NOT NULL,
    "history_key" VARCHAR(50) NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE NOT NULL,
    "is_not_disclosed" BOOLEAN NOT NULL,
    "insurer_number" CHAR(8),
    "recipient_number" VARCHAR(30),
    "record" JSONB NOT NULL,
    "record_hash" CHAR(64) NOT NULL,
    "last_task_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recipient_certificate_pkey" PRIMARY KEY ("municipality_code","certificate_type_id","my_number","certification_sub_key","history_key")
);

-- CreateTable
CREATE TABLE "registration_task" (
    "id" UUID NOT NULL,
    "municipality_code" CHAR(6) NOT NULL,
    "status" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "replace_type_id" VARCHAR(50),
    "format" TEXT NOT NULL,
    "idempotency_key" VARCHAR(255),
    "body_sha256" CHAR(64) NOT NULL,
    "received_count" INTEGER NOT NULL,
    "processed_count" INTEGER NOT NULL DEFAULT 0,
    "accepted_count" INTEGER NOT NULL DEFAULT 0,
    "rejected_count" INTEGER NOT NULL DEFAULT 0,
    "created_count" INTEGER NOT NULL DEFAULT 0,
    "updated_count" INTEGER NOT NULL DEFAULT 0,
    "deleted_count" INTEGER NOT NULL DEFAULT 0,
    "unchanged_count" INTEGER NOT NULL DEFAULT 0,
    "removed_count" INTEGER NOT NULL DEFAULT 0,
    "failure_detail" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "registration_task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registration_task_input" (
    "task_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "raw" TEXT,
    "parse_error" TEXT,
    "key" TEXT,

    CONSTRAINT "registration_task_input_pkey" PRIMARY KEY ("task_id","index")
);

-- CreateTable
CREATE TABLE "registration_task_result" (
    "task_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "history_key" TEXT,
    "outcome" TEXT NOT NULL,
    "errors" JSONB,
    "warnings" JSONB,

    CONSTRAINT "registration_task_result_pkey" PRIMARY KEY ("task_id","index")
);

-- CreateIndex
CREATE UNIQUE INDEX "municipal_credential_token_hash_key" ON "municipal_credential"("token_hash");

-- CreateIndex
CREATE INDEX "municipal_credential_municipality_code_idx" ON "municipal_credential"("municipality_code");

-- CreateIndex
CREATE INDEX "recipient_certificate_my_number_valid_from_idx" ON "recipient_certificate"("my_number", "valid_from");

-- CreateIndex
CREATE INDEX "recipient_certificate_municipality_code_recipient_number_idx" ON "recipient_certificate"("municipality_code", "recipient_number");

-- CreateIndex
CREATE INDEX "registration_task_municipality_code_created_at_idx" ON "registration_task"("municipality_code", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "registration_task_municipality_code_idempotency_key_key" ON "registration_task"("municipality_code", "idempotency_key");

-- CreateIndex
CREATE INDEX "registration_task_input_task_id_key_index_idx" ON "registration_task_input"("task_id", "key", "index");

-- CreateIndex
CREATE INDEX "registration_task_result_task_id_outcome_index_idx" ON "registration_task_result"("task_id", "outcome", "index");

-- AddForeignKey
ALTER TABLE "recipient_certificate" ADD CONSTRAINT "recipient_certificate_municipality_code_certificate_type_i_fkey" FOREIGN KEY ("municipality_code", "certificate_type_id") REFERENCES "certificate_type"("municipality_code", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

