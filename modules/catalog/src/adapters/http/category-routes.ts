import { z } from 'zod';
import { callContextOf, pageOf, type StratumApp } from '@stratum/platform';
import {
  categoryView,
  createCategoryInput,
  listCategoriesQuery,
  reorderCategoriesInput,
  updateCategoryInput,
  type CatalogApi,
} from '../../contract.ts';
import { base, read, tags, write } from './shared.ts';

const categoryParams = z.object({ categoryId: z.uuid() });

/** Categories, in menu order. */
export function categoryRoutes(api: CatalogApi) {
  return (app: StratumApp) => {
    const ctx = callContextOf;
    app.get(
      `${base}/categories`,
      {
        config: read,
        schema: {
          tags,
          summary: 'List categories in menu order',
          querystring: listCategoriesQuery,
          response: { 200: pageOf(categoryView) },
        },
      },
      (r) => api.listCategories(ctx(r), r.query),
    );
    app.post(
      `${base}/categories`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Create a category at the end of the menu',
          body: createCategoryInput,
          response: { 201: categoryView },
        },
      },
      async (r, reply) => reply.status(201).send(await api.createCategory(ctx(r), r.body)),
    );
    app.put(
      `${base}/categories/order`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Reorder the categories (list every one, once)',
          body: reorderCategoriesInput,
          response: { 200: z.object({ items: z.array(categoryView) }) },
        },
      },
      async (r) => ({ items: await api.reorderCategories(ctx(r), r.body) }),
    );
    app.patch(
      `${base}/categories/:categoryId`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Rename a category',
          params: categoryParams,
          body: updateCategoryInput,
          response: { 200: categoryView },
        },
      },
      (r) => api.updateCategory(ctx(r), r.params.categoryId, r.body),
    );
    app.delete(
      `${base}/categories/:categoryId`,
      {
        config: write,
        schema: {
          tags,
          summary: 'Delete a category no live item is in',
          params: categoryParams,
          response: { 204: z.null().describe('Deleted') },
        },
      },
      async (r, reply) => {
        await api.deleteCategory(ctx(r), r.params.categoryId);
        return reply.status(204).send(null);
      },
    );
  };
}
