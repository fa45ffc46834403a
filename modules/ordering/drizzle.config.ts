import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // The checkout saga's tables live in their own file but in the same schema and migrations.
  schema: ['./src/adapters/postgres/schema.ts', './src/adapters/postgres/checkout-schema.ts'],
  out: './src/adapters/postgres/migrations',
  schemaFilter: ['ordering'],
  entities: { roles: false },
});
