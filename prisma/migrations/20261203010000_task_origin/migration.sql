-- Where a registration task came from: 'api' (a municipality's upload) or 'sandbox' (test data the sandbox
-- loaded: well-known test cards, scenarios, a seed file). Sandbox-loaded tasks send no webhook events.
ALTER TABLE "registration_task" ADD COLUMN "origin" TEXT NOT NULL DEFAULT 'api';
