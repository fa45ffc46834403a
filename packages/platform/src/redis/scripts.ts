import type { Redis } from 'ioredis';

type Arg = string | number | Buffer;

/**
 * A Lua script registered on the client under `name`: ioredis sends it by
 * digest (EVALSHA) and loads it again when the server has forgotten it.
 * Registering the same name on a shared client twice is harmless.
 */
export function luaScript<R>(
  redis: Redis,
  name: string,
  numberOfKeys: number,
  lua: string,
): (...args: Arg[]) => Promise<R> {
  redis.defineCommand(name, { numberOfKeys, lua });
  const client = redis as unknown as Record<string, (...args: Arg[]) => Promise<R>>;
  return (...args) => {
    const run = client[name];
    if (!run) return Promise.reject(new Error(`redis script ${name} is not defined`));
    return run.apply(redis, args);
  };
}

/** Escapes the glob characters of a key prefix for `SCAN … MATCH`. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
