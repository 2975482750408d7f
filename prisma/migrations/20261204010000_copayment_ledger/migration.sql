-- 上限額管理 (provisional, our design: PMH has not published it): opaque per-certificate references, the
-- institutions that received them in consented checks, versioned ledger lines and per-month totals.

-- CreateTable
CREATE TABLE "subsidy_ref" (
    "ref" VARCHAR(32) NOT NULL,
    "municipality_code" CHAR(6) NOT NULL,
    "certificate_type_id" VARCHAR(50) NOT NULL,
    "my_number" CHAR(12) NOT NULL,
    "certification_sub_key" VARCHAR(50) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "subsidy_ref_pkey" PRIMARY KEY ("ref")
);

-- CreateTable
CREATE TABLE "subsidy_ref_receipt" (
    "subsidy_ref" VARCHAR(32) NOT NULL,
    "institution_code" CHAR(10) NOT NULL,
    "first_checked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "subsidy_ref_receipt_pkey" PRIMARY KEY ("subsidy_ref","institution_code")
);

-- CreateTable
CREATE TABLE "copayment_line" (
    "institution_code" CHAR(10) NOT NULL,
    "subsidy_ref" VARCHAR(32) NOT NULL,
    "visit_id" VARCHAR(100) NOT NULL,
    "version" INTEGER NOT NULL,
    "current" BOOLEAN NOT NULL,
    "service_date" DATE NOT NULL,
    "year_month" CHAR(7) NOT NULL,
    "setting" VARCHAR(20) NOT NULL,
    "total_medical_cost" INTEGER NOT NULL,
    "copayment_charged" INTEGER NOT NULL,
    "food_cost" INTEGER,
    "cancelled" BOOLEAN NOT NULL,
    "accumulated_after" INTEGER NOT NULL,
    "cap_reached" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "copayment_line_pkey" PRIMARY KEY ("institution_code","subsidy_ref","visit_id","version")
);

-- CreateTable
CREATE TABLE "copayment_month_total" (
    "subsidy_ref" VARCHAR(32) NOT NULL,
    "year_month" CHAR(7) NOT NULL,
    "accumulated" INTEGER NOT NULL,
    "total_medical_cost" INTEGER NOT NULL,
    "line_count" INTEGER NOT NULL,
    "cap_reached_on" DATE,
    "cap_reached_at" TIMESTAMPTZ(3),
    "cap_reached_by" CHAR(10),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "copayment_month_total_pkey" PRIMARY KEY ("subsidy_ref","year_month")
);

-- CreateIndex
CREATE UNIQUE INDEX "subsidy_ref_certificate_key" ON "subsidy_ref"("municipality_code", "certificate_type_id", "my_number", "certification_sub_key");

-- CreateIndex
CREATE INDEX "subsidy_ref_receipt_institution_code_idx" ON "subsidy_ref_receipt"("institution_code");

-- CreateIndex
CREATE INDEX "copayment_line_subsidy_ref_year_month_idx" ON "copayment_line"("subsidy_ref", "year_month");
