import { hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's second recommended setting (19 MiB, 2 passes, 1 lane).
const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password or PIN with argon2id; the salt is inside the encoded hash. */
export function hashSecret(secret: string): Promise<string> {
  return hash(secret, options);
}

export async function verifySecret(encoded: string, secret: string): Promise<boolean> {
  try {
    return await verify(encoded, secret);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/**
 * Spends the time of one verification when there is no account to check, so
 * response time does not reveal whether an e-mail address exists.
 */
export async function burnVerification(secret: string): Promise<void> {
  dummy ??= hashSecret('stratum-timing-equaliser');
  await verifySecret(await dummy, secret);
}
