-- CreateTable
CREATE TABLE "sandbox_setting" (
    "key" VARCHAR(100) NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sandbox_setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "sandbox_fault" (
    "id" UUID NOT NULL,
    "match" JSONB NOT NULL,
    "effect" JSONB NOT NULL,
    "remaining" INTEGER,
    "hits" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sandbox_fault_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sandbox_fault_created_at_idx" ON "sandbox_fault"("created_at");
