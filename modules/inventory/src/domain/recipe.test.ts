import { describe, expect, it } from 'vitest';
import { validateRecipe } from './recipe.ts';
import type { StockItemFacts } from './reservation.ts';

const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const fact = (n: number, kind: StockItemFacts['kind'], archived = false): StockItemFacts => ({
  id: id(n),
  kind,
  archived,
});
const items = new Map(
  [
    fact(1, 'menu'),
    fact(2, 'ingredient'),
    fact(3, 'retail'),
    fact(4, 'menu'),
    fact(5, 'ingredient', true),
  ].map((f) => [f.id, f]),
);

describe('recipes', () => {
  it('belong to menu variants and list ingredients or retail items', () => {
    expect(() =>
      validateRecipe(
        items.get(id(1)),
        [
          { stockItemId: id(2), quantity: 150 },
          { stockItemId: id(3), quantity: 1 },
        ],
        items,
      ),
    ).not.toThrow();
  });

  it('are refused on a stocked item', () => {
    expect(() =>
      validateRecipe(items.get(id(2)), [{ stockItemId: id(3), quantity: 1 }], items),
    ).toThrow(expect.objectContaining({ code: 'recipe-not-allowed' }));
  });

  it('cannot nest menu items, list an item twice, or use archived or unknown items', () => {
    const menu = items.get(id(1));
    const cases: [{ stockItemId: string; quantity: number }[], string][] = [
      [[{ stockItemId: id(4), quantity: 1 }], 'recipe-not-allowed'],
      [
        [
          { stockItemId: id(2), quantity: 1 },
          { stockItemId: id(2), quantity: 2 },
        ],
        'duplicate-line',
      ],
      [[{ stockItemId: id(5), quantity: 1 }], 'stock-item-archived'],
      [[{ stockItemId: id(9), quantity: 1 }], 'stock-item-not-found'],
    ];
    for (const [components, code] of cases) {
      expect(() => validateRecipe(menu, components, items)).toThrow(
        expect.objectContaining({ code }),
      );
    }
  });
});
