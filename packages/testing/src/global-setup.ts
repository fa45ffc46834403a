import pg from 'pg';
import type { TestProject } from 'vitest/node';

export const adminUrl =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

/**
 * Finds out once whether PostgreSQL answers. Without it, PostgreSQL suites are
 * skipped with one clear line, except under CI, where a missing engine fails the run.
 */
export default async function setup(project: TestProject): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('postgresUrl', adminUrl);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (process.env.CI === 'true' || process.env.CI === '1') {
      throw new Error(
        `PostgreSQL is required under CI but is not reachable at ${adminUrl}: ${reason}`,
        {
          cause: err,
        },
      );
    }
    process.stdout.write(
      `\n[stratum] PostgreSQL not reachable at ${adminUrl} (${reason}): PostgreSQL suites are SKIPPED.\n\n`,
    );
    project.provide('postgresUrl', null);
  } finally {
    await client.end().catch(() => {});
  }
}
