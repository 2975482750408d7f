-- CreateTable
CREATE TABLE "prefecture" (
    "code" CHAR(2) NOT NULL,
    "name" TEXT NOT NULL,
    "kana" TEXT NOT NULL,

    CONSTRAINT "prefecture_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "local_government" (
    "code" CHAR(6) NOT NULL,
    "prefecture_code" CHAR(2) NOT NULL,
    "name" TEXT NOT NULL,
    "kana" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "parent_code" CHAR(6),

    CONSTRAINT "local_government_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "program" (
    "law_code" CHAR(2) NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "program_pkey" PRIMARY KEY ("law_code")
);

-- CreateIndex
CREATE INDEX "local_government_prefecture_code_code_idx" ON "local_government"("prefecture_code", "code");

-- AddForeignKey
ALTER TABLE "local_government" ADD CONSTRAINT "local_government_prefecture_code_fkey" FOREIGN KEY ("prefecture_code") REFERENCES "prefecture"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

