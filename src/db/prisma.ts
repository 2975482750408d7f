import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;

/** Prisma client over node-postgres (Prisma 7's Rust-free client). */
export function createPrisma(databaseUrl: string, maxConnections = 10): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: maxConnections });
  return new PrismaClient({ adapter });
}
