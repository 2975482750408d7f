-- A certificate type's charging rules (copaymentRules, provisional: PMH has not published them), validated by
-- src/certificate-types/copay-rules-schema.ts. NULL: the law defaults (national) or rules derived from `copay` (local).
ALTER TABLE "certificate_type" ADD COLUMN "copayment_rules" JSONB;
