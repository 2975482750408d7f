import { defineConfig } from 'prisma/config';

// Used by `prisma generate` and, online, by `prisma migrate deploy`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/pmh' },
});
