import type { Db } from '../db/prisma.js';
import type { Prisma } from '../generated/prisma/client.js';

/** Keys of sandbox_setting; each value's shape is validated by the feature that owns it. */
export type SandboxSettingKey = 'admin_token_sha256' | 'clock' | 'maintenance';

/** sandbox_setting: small sandbox-wide state that must survive a restart. */
export function sandboxSettingsRepository(db: Db) {
  return {
    async get(key: SandboxSettingKey): Promise<unknown> {
      const row = await db.sandboxSetting.findUnique({ where: { key } });
      return row?.value ?? null;
    },
    async set(key: SandboxSettingKey, value: Prisma.InputJsonValue) {
      await db.sandboxSetting.upsert({ where: { key }, create: { key, value }, update: { value, updatedAt: new Date() } });
    },
    async delete(key: SandboxSettingKey) {
      await db.sandboxSetting.deleteMany({ where: { key } });
    },
  };
}

export type SandboxSettingsRepository = ReturnType<typeof sandboxSettingsRepository>;
