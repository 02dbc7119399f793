import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM for secrets at rest (kubeconfigs, credentials): `v1:<base64 iv|tag|ciphertext>`. */
export function createSecretBox(key: Buffer) {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  // A key of its own for fingerprints, so that no HMAC ever shares the encryption key.
  const fingerprintKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'slipway fingerprint v1', 32));
  return {
    /**
     * A keyed fingerprint (HMAC-SHA256, 64 hex characters) of a text that may hold secrets:
     * equal texts give equal fingerprints, and a database reader cannot test guesses.
     */
    fingerprint(text: string): string {
      return createHmac('sha256', fingerprintKey).update(text, 'utf8').digest('hex');
    },
    encrypt(plaintext: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
    },
    decrypt(sealed: string): string {
      const [version, payload] = sealed.split(':', 2);
      if (version !== VERSION || !payload) throw new Error('unknown secret format');
      const bytes = Buffer.from(payload, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      // A wrong key or tampered data fails authentication here.
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;

/** SLIPWAY_SECRET_KEY: 32 bytes as base64 (44 characters) or hex (64 characters). */
export function parseSecretKey(value: string): Buffer | undefined {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  return key.length === 32 ? key : undefined;
}

/**
 * The key from the environment, else `<dataDir>/secret.key`, created (mode 0600) on
 * first use. Replicas sharing one database must share SLIPWAY_SECRET_KEY instead.
 */
export async function loadOrCreateSecretKey(
  configured: Buffer | undefined,
  dataDir: string,
): Promise<{ key: Buffer; source: 'environment' | 'file' | 'generated'; file?: string }> {
  if (configured) return { key: configured, source: 'environment' };
  const file = path.join(dataDir, 'secret.key');
  try {
    const key = parseSecretKey((await readFile(file, 'utf8')).trim());
    if (!key) throw new Error(`${file} does not hold a 32-byte key`);
    return { key, source: 'file', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { key, source: 'generated', file };
}
