import { cursorScope, newId, toPage } from '@stratum/platform';
import { raise, type CatalogApi } from '../contract.ts';
import { boundsProblem, type SelectionBounds } from '../domain/modifiers.ts';
import { afterOf, type CatalogDeps } from './deps.ts';
import type { CatalogRepository, GroupRecord, OptionRecord } from './ports.ts';
import { groupViews } from './views.ts';

const problems = {
  'min-above-max': 'The minimum number of choices is above the maximum.',
  'max-below-one': 'A group must allow at least one choice.',
  'min-above-options': 'The group has fewer options than its minimum number of choices.',
} as const;

function assertBounds(bounds: SelectionBounds, optionCount: number): void {
  const problem = boundsProblem(bounds, optionCount);
  if (problem) raise('invalid-modifier-bounds', problems[problem], { problem });
}

async function groupOf(repo: CatalogRepository, groupId: string): Promise<GroupRecord> {
  const [group] = await repo.findGroups([groupId], { lock: true });
  if (!group) raise('modifier-group-not-found', 'No such modifier group.');
  return group;
}

async function optionOf(
  repo: CatalogRepository,
  groupId: string,
  optionId: string,
): Promise<{ group: GroupRecord; options: OptionRecord[]; option: OptionRecord }> {
  const group = await groupOf(repo, groupId);
  const options = await repo.optionsOf([groupId]);
  const option = options.find((o) => o.id === optionId);
  if (!option) raise('modifier-option-not-found', 'No such option in this group.');
  return { group, options, option };
}

async function view(repo: CatalogRepository, groupId: string) {
  const [group] = await groupViews(repo, await repo.findGroups([groupId]));
  return group!;
}

export function listModifierGroups(deps: CatalogDeps): CatalogApi['listModifierGroups'] {
  return (ctx, query) =>
    deps.store.read(ctx.tenantId, async (repo) => {
      const byName = query.sort === 'name' || query.sort === '-name';
      const cursors = cursorScope('modifier-groups', query.sort);
      const after = afterOf(cursors, query.cursor, byName ? ['s', 'u'] : ['u']);
      const rows = await repo.listGroups(query, query.limit + 1, after);
      const page = toPage(
        rows,
        query.limit,
        (r) => r,
        cursors.keyOf((r) => (byName ? [r.name, r.id] : [r.id])),
      );
      return { items: await groupViews(repo, page.items), nextCursor: page.nextCursor };
    });
}

export function getModifierGroup(deps: CatalogDeps): CatalogApi['getModifierGroup'] {
  return (ctx, groupId) =>
    deps.store.read(ctx.tenantId, async (repo) => {
      const [group] = await groupViews(repo, await repo.findGroups([groupId]));
      if (!group) raise('modifier-group-not-found', 'No such modifier group.');
      return group;
    });
}

export function createModifierGroup(deps: CatalogDeps): CatalogApi['createModifierGroup'] {
  return (ctx, input) => {
    assertBounds(input, input.options.length);
    return deps.store.write(ctx.tenantId, async (repo) => {
      const group = await repo.insertGroup({
        id: newId(),
        name: input.name,
        minSelections: input.minSelections,
        maxSelections: input.maxSelections,
      });
      await repo.insertOptions(
        input.options.map((o, position) => ({ id: newId(), groupId: group.id, ...o, position })),
      );
      return view(repo, group.id);
    });
  };
}

export function updateModifierGroup(deps: CatalogDeps): CatalogApi['updateModifierGroup'] {
  return (ctx, groupId, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const group = await groupOf(repo, groupId);
      const options = await repo.optionsOf([groupId]);
      assertBounds({ ...group, ...input }, options.length);
      await repo.updateGroup(groupId, input);
      return view(repo, groupId);
    });
}

export function addModifierOption(deps: CatalogDeps): CatalogApi['addModifierOption'] {
  return (ctx, groupId, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      await groupOf(repo, groupId);
      const options = await repo.optionsOf([groupId]);
      const position = options.reduce((max, o) => Math.max(max, o.position + 1), 0);
      await repo.insertOptions([{ id: newId(), groupId, ...input, position }]);
      return view(repo, groupId);
    });
}

export function renameModifierOption(deps: CatalogDeps): CatalogApi['renameModifierOption'] {
  return (ctx, groupId, optionId, name) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      await optionOf(repo, groupId, optionId);
      await repo.updateOption(optionId, { name });
      return view(repo, groupId);
    });
}

export function changeModifierOptionPrice(
  deps: CatalogDeps,
): CatalogApi['changeModifierOptionPrice'] {
  return (ctx, groupId, optionId, input) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const { option } = await optionOf(repo, groupId, optionId);
      if (option.priceDeltaMinor !== input.priceDeltaMinor) {
        await repo.updateOption(optionId, { priceDeltaMinor: input.priceDeltaMinor });
        await repo.audit({
          action: 'price.changed',
          entityType: 'modifier-option',
          entityId: optionId,
          before: { storeId: null, priceMinor: option.priceDeltaMinor },
          after: { storeId: null, priceMinor: input.priceDeltaMinor },
          reason: input.reason ?? null,
        });
      }
      return view(repo, groupId);
    });
}

/** Order lines keep the option's name and price, so removing one rewrites no history. */
export function removeModifierOption(deps: CatalogDeps): CatalogApi['removeModifierOption'] {
  return (ctx, groupId, optionId) =>
    deps.store.write(ctx.tenantId, async (repo) => {
      const { group, options } = await optionOf(repo, groupId, optionId);
      assertBounds(group, options.length - 1);
      await repo.deleteOption(optionId);
      return view(repo, groupId);
    });
}
