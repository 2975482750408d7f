-- Simulated cards gain the 4-digit PIN of their 利用者証明用電子証明書 and a count of wrong tries in a row: three lock
-- the certificate, as on a real card (POST /sandbox/v1/cards/{serial}/pin-reset unlocks it). A sandbox PIN, not a secret.
ALTER TABLE "simulated_card" ADD COLUMN "pin" CHAR(4) NOT NULL DEFAULT '1234',
  ADD COLUMN "pin_failures" INTEGER NOT NULL DEFAULT 0;
