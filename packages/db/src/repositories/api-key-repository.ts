import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import type { VoxieDb } from '../client.js';
import { apiKeys } from '../schema.js';
import { required } from './required.js';

export type ApiKey = typeof apiKeys.$inferSelect;

export interface CreateApiKeyInput {
  ownerId: string;
  name: string;
  /** Leading characters of the key, shown in listings. */
  prefix: string;
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  keyHash: string;
  scopes: string[];
  expiresAt?: Date;
}

/** Hashed API keys. */
export class ApiKeyRepository {
  constructor(private readonly db: VoxieDb) {}

  async create(input: CreateApiKeyInput): Promise<ApiKey> {
    const [key] = await this.db.insert(apiKeys).values(input).returning();
    return required(key);
  }

  /** The key with this hash if it is neither revoked nor expired at `now`. */
  async findActiveByHash(keyHash: string, now = new Date()): Promise<ApiKey | undefined> {
    const [key] = await this.db
      .select()
      .from(apiKeys)
      .where(
        and(
          eq(apiKeys.keyHash, keyHash),
          isNull(apiKeys.revokedAt),
          or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
        ),
      );
    return key;
  }

  async list(ownerId: string): Promise<ApiKey[]> {
    return this.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.ownerId, ownerId))
      .orderBy(desc(apiKeys.createdAt));
  }

  /** Revokes the owner's key; false if it does not exist or is already revoked. */
  async revoke(ownerId: string, id: string): Promise<boolean> {
    const revoked = await this.db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.ownerId, ownerId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    return revoked.length > 0;
  }
}
