import { describe, expect, it } from 'vitest';
import { burnVerification, hashSecret, verifySecret } from './passwords.ts';

describe('hashSecret and verifySecret', () => {
  it('accepts the secret that was hashed', async () => {
    const encoded = await hashSecret('correct horse battery staple');

    expect(await verifySecret(encoded, 'correct horse battery staple')).toBe(true);
  });

  it('rejects a different secret, including one that differs only in case or whitespace', async () => {
    const encoded = await hashSecret('correct horse battery staple');

    expect(await verifySecret(encoded, 'wrong horse battery staple')).toBe(false);
    expect(await verifySecret(encoded, 'Correct horse battery staple')).toBe(false);
    expect(await verifySecret(encoded, 'correct horse battery staple ')).toBe(false);
    expect(await verifySecret(encoded, '')).toBe(false);
  });

  it('encodes the hash as argon2id with its parameters and salt', async () => {
    const encoded = await hashSecret('4711');

    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[\w+/]+\$[\w+/]+$/);
    expect(encoded).not.toContain('4711');
  });

  it('hashes the same secret differently each time, and both hashes verify', async () => {
    const first = await hashSecret('1234');
    const second = await hashSecret('1234');

    expect(first).not.toBe(second);
    expect(await verifySecret(first, '1234')).toBe(true);
    expect(await verifySecret(second, '1234')).toBe(true);
  });

  it('handles secrets outside ASCII', async () => {
    const encoded = await hashSecret('pässwörd – 密码 🔐');

    expect(await verifySecret(encoded, 'pässwörd – 密码 🔐')).toBe(true);
    expect(await verifySecret(encoded, 'passwort – 密码 🔐')).toBe(false);
  });

  it('answers false instead of throwing for a stored value that is not an argon2 hash', async () => {
    expect(await verifySecret('not-a-hash', 'anything')).toBe(false);
    expect(await verifySecret('', 'anything')).toBe(false);
  });
});

describe('burnVerification', () => {
  it('resolves for any secret, so a caller can await it in place of a real verification', async () => {
    await expect(burnVerification('guess-1')).resolves.toBeUndefined();
    await expect(burnVerification('stratum-timing-equaliser')).resolves.toBeUndefined();
  });
});
