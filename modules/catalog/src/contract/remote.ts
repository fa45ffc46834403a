import { defineRemoteContract } from '@stratum/platform';
import { z } from 'zod';
import type { CatalogApi } from './api.ts';
import { quoteLineInput } from './inputs.ts';
import { quoteView } from './views.ts';

/** What other modules call on the catalog across a process boundary. */
export const catalogRemote = defineRemoteContract<CatalogApi>()('catalog', {
  quoteLine: { args: z.tuple([z.uuid(), quoteLineInput]), result: quoteView, idempotent: true },
});
