-- CreateTable
CREATE TABLE "simulated_card" (
    "id" UUID NOT NULL,
    "certificate_serial_number" VARCHAR(32) NOT NULL,
    "my_number" CHAR(12) NOT NULL,
    "name" TEXT NOT NULL,
    "name_kana" TEXT NOT NULL,
    "date_of_birth" DATE NOT NULL,
    "sex" CHAR(1) NOT NULL,
    "address" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "certificate_expires_on" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "simulated_card_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "medical_institution" (
    "code" CHAR(10) NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "medical_institution_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "institution_credential" (
    "id" UUID NOT NULL,
    "institution_code" CHAR(10) NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "institution_credential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "eligibility_check" (
    "id" UUID NOT NULL,
    "institution_code" CHAR(10) NOT NULL,
    "card_id" UUID NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,
    "service_date" DATE NOT NULL,
    "consent" BOOLEAN NOT NULL,
    "subsidy_count" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "explanation" TEXT NOT NULL,

    CONSTRAINT "eligibility_check_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "simulated_card_certificate_serial_number_key" ON "simulated_card"("certificate_serial_number");

-- CreateIndex
CREATE INDEX "simulated_card_my_number_idx" ON "simulated_card"("my_number");

-- CreateIndex
CREATE UNIQUE INDEX "institution_credential_token_hash_key" ON "institution_credential"("token_hash");

-- CreateIndex
CREATE INDEX "institution_credential_institution_code_idx" ON "institution_credential"("institution_code");

-- CreateIndex
CREATE INDEX "eligibility_check_checked_at_id_idx" ON "eligibility_check"("checked_at", "id");

-- CreateIndex
CREATE INDEX "eligibility_check_institution_code_checked_at_id_idx" ON "eligibility_check"("institution_code", "checked_at", "id");

-- AddForeignKey
ALTER TABLE "institution_credential" ADD CONSTRAINT "institution_credential_institution_code_fkey" FOREIGN KEY ("institution_code") REFERENCES "medical_institution"("code") ON DELETE CASCADE ON UPDATE CASCADE;
