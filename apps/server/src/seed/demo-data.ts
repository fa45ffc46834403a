/**
 * The demo business `npm run seed` creates: a café with two stores, a real
 * menu, modifiers, two tax rates, recipes and opening stock. Prices are in
 * cents of EUR, tax-inclusive, as a European café would print them.
 */

export const demoAccounts = {
  owner: { email: 'owner@demo.stratum.test', password: 'demo owner password' },
  manager: { email: 'manager@demo.stratum.test', password: 'demo manager password' },
  cashier: { email: 'cashier@demo.stratum.test', password: 'demo cashier password' },
} as const;

export const demoBusiness = 'Stratum Demo Café';

export const demoStores = [
  {
    key: 'central',
    name: 'Café Central',
    timezone: 'Europe/Vienna',
    address: {
      line1: 'Herrengasse 14',
      line2: null,
      city: 'Wien',
      postalCode: '1010',
      country: 'AT',
    },
    registers: ['Front till', 'Bar till'],
    tables: { Terrace: [2, 2, 4, 4], Salon: [2, 4, 4, 6, 6, 8] },
  },
  {
    key: 'station',
    name: 'Café am Bahnhof',
    timezone: 'Europe/Vienna',
    address: {
      line1: 'Bahnhofplatz 1',
      line2: null,
      city: 'Graz',
      postalCode: '8020',
      country: 'AT',
    },
    registers: ['Kiosk till'],
    tables: { Counter: [1, 1, 1, 1, 2, 2] },
  },
] as const;

export const demoTaxRates = [
  { key: 'food', name: 'USt 10 %', rateBps: 1000, inclusive: true },
  { key: 'standard', name: 'USt 20 %', rateBps: 2000, inclusive: true },
] as const;

type Unit = 'each' | 'g' | 'ml';
export interface DemoModifierGroup {
  key: string;
  name: string;
  min: number;
  max: number;
  options: { name: string; priceDeltaMinor: number }[];
}

export const demoModifierGroups: DemoModifierGroup[] = [
  {
    key: 'milk',
    name: 'Milk',
    min: 0,
    max: 1,
    options: [
      { name: 'Oat milk', priceDeltaMinor: 40 },
      { name: 'Soy milk', priceDeltaMinor: 40 },
      { name: 'Almond milk', priceDeltaMinor: 50 },
      { name: 'Lactose-free', priceDeltaMinor: 30 },
    ],
  },
  {
    key: 'shots',
    name: 'Extra shot',
    min: 0,
    max: 2,
    options: [
      { name: 'Extra espresso shot', priceDeltaMinor: 60 },
      { name: 'Decaf shot', priceDeltaMinor: 60 },
    ],
  },
  {
    key: 'syrup',
    name: 'Syrup',
    min: 0,
    max: 2,
    options: [
      { name: 'Vanilla', priceDeltaMinor: 40 },
      { name: 'Caramel', priceDeltaMinor: 40 },
      { name: 'Hazelnut', priceDeltaMinor: 40 },
    ],
  },
  {
    key: 'burger-extras',
    name: 'Extras',
    min: 0,
    max: 3,
    options: [
      { name: 'Extra cheese', priceDeltaMinor: 80 },
      { name: 'Bacon', priceDeltaMinor: 150 },
      { name: 'Avocado', priceDeltaMinor: 180 },
      { name: 'Fried egg', priceDeltaMinor: 120 },
    ],
  },
  {
    key: 'doneness',
    name: 'Cooked',
    min: 1,
    max: 1,
    options: [
      { name: 'Medium', priceDeltaMinor: 0 },
      { name: 'Well done', priceDeltaMinor: 0 },
    ],
  },
  {
    key: 'sauces',
    name: 'Sauces',
    min: 1,
    max: 2,
    options: [
      { name: 'Ketchup', priceDeltaMinor: 0 },
      { name: 'Mayonnaise', priceDeltaMinor: 0 },
      { name: 'BBQ', priceDeltaMinor: 0 },
      { name: 'Chili mayo', priceDeltaMinor: 30 },
    ],
  },
  {
    key: 'eggs',
    name: 'Eggs',
    min: 1,
    max: 1,
    options: [
      { name: 'Scrambled', priceDeltaMinor: 0 },
      { name: 'Fried', priceDeltaMinor: 0 },
      { name: 'Poached', priceDeltaMinor: 0 },
    ],
  },
  {
    key: 'toppings',
    name: 'Toppings',
    min: 0,
    max: 3,
    options: [
      { name: 'Whipped cream', priceDeltaMinor: 50 },
      { name: 'Maple syrup', priceDeltaMinor: 60 },
      { name: 'Fresh berries', priceDeltaMinor: 150 },
    ],
  },
];

/** Bought-in goods sold as they are (bottles, pastries) are `retail`: they hold stock. */
export interface DemoItem {
  name: string;
  kind: 'menu' | 'retail' | 'ingredient';
  unit: Unit;
  tax: 'food' | 'standard';
  station?: 'bar' | 'kitchen' | 'pastry';
  modifiers?: string[];
  /** Variant name → price in cents; a single '' variant means "no sizes". */
  variants: Record<string, number>;
  sku?: string;
  barcode?: string;
  /** Ingredient name → quantity per sale, for every variant (scaled by `scale` per variant). */
  recipe?: Record<string, number>;
  scale?: Record<string, number>;
  /** Opening stock per store (pieces or grams/millilitres). */
  stock?: number;
  lowStock?: number;
}

const coffee = (
  name: string,
  small: number,
  recipe: Record<string, number>,
  modifiers = ['milk', 'shots', 'syrup'],
): DemoItem => ({
  name,
  kind: 'menu',
  unit: 'each',
  tax: 'food',
  station: 'bar',
  modifiers,
  variants: { Small: small, Regular: small + 50, Large: small + 90 },
  recipe,
  scale: { Small: 1, Regular: 1.5, Large: 2 },
});

export const demoCategories: { name: string; items: DemoItem[] }[] = [
  {
    name: 'Coffee',
    items: [
      {
        name: 'Espresso',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'bar',
        modifiers: ['shots'],
        variants: { Single: 250, Double: 350 },
        recipe: { 'Espresso beans': 9 },
        scale: { Single: 1, Double: 2 },
      },
      coffee('Americano', 300, { 'Espresso beans': 12 }, ['milk', 'shots', 'syrup']),
      coffee('Cappuccino', 380, { 'Espresso beans': 12, 'Whole milk': 120 }),
      coffee('Caffè latte', 400, { 'Espresso beans': 12, 'Whole milk': 180 }),
      coffee('Flat white', 420, { 'Espresso beans': 18, 'Whole milk': 120 }),
      coffee('Mocha', 450, { 'Espresso beans': 12, 'Whole milk': 160 }),
      {
        name: 'Macchiato',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'bar',
        modifiers: ['milk', 'shots'],
        variants: { '': 320 },
        recipe: { 'Espresso beans': 9, 'Whole milk': 30 },
      },
      {
        name: 'Cortado',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'bar',
        modifiers: ['milk'],
        variants: { '': 360 },
        recipe: { 'Espresso beans': 18, 'Whole milk': 60 },
      },
      coffee('Iced latte', 450, { 'Espresso beans': 18, 'Whole milk': 200 }),
      {
        name: 'Cold brew',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'bar',
        modifiers: ['milk', 'syrup'],
        variants: { Regular: 420, Large: 480 },
        recipe: { 'Espresso beans': 20 },
      },
    ],
  },
  {
    name: 'Tea',
    items: [
      {
        name: 'English breakfast tea',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'bar',
        modifiers: ['milk'],
        variants: { '': 320 },
      },
      {
        name: 'Earl Grey',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'bar',
        variants: { '': 320 },
      },
      {
        name: 'Green tea',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'bar',
        variants: { '': 340 },
      },
      {
        name: 'Chai latte',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'bar',
        modifiers: ['milk', 'syrup'],
        variants: { Regular: 430, Large: 490 },
        recipe: { 'Whole milk': 200 },
      },
      {
        name: 'Matcha latte',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'bar',
        modifiers: ['milk', 'syrup'],
        variants: { Regular: 470, Large: 530 },
        recipe: { 'Whole milk': 200 },
      },
    ],
  },
  {
    name: 'Cold drinks',
    items: [
      {
        name: 'Fresh orange juice',
        kind: 'menu',
        unit: 'each',
        tax: 'standard',
        station: 'bar',
        variants: { Small: 380, Large: 520 },
      },
      {
        name: 'Homemade lemonade',
        kind: 'menu',
        unit: 'each',
        tax: 'standard',
        station: 'bar',
        variants: { '': 420 },
      },
      {
        name: 'Sparkling water',
        kind: 'retail',
        unit: 'each',
        tax: 'standard',
        variants: { '0.33 l': 290, '0.75 l': 520 },
        stock: 120,
        lowStock: 24,
      },
      {
        name: 'Still water',
        kind: 'retail',
        unit: 'each',
        tax: 'standard',
        variants: { '0.33 l': 270, '0.75 l': 490 },
        stock: 120,
        lowStock: 24,
      },
      {
        name: 'Cola',
        kind: 'retail',
        unit: 'each',
        tax: 'standard',
        variants: { '': 350 },
        sku: 'DRK-COLA-033',
        barcode: '5449000000996',
        stock: 96,
        lowStock: 24,
      },
      {
        name: 'Iced tea peach',
        kind: 'retail',
        unit: 'each',
        tax: 'standard',
        variants: { '': 380 },
        stock: 48,
        lowStock: 12,
      },
    ],
  },
  {
    name: 'Breakfast',
    items: [
      {
        name: 'Butter croissant',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        station: 'pastry',
        variants: { '': 280 },
        stock: 40,
        lowStock: 8,
      },
      {
        name: 'Pain au chocolat',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        station: 'pastry',
        variants: { '': 320 },
        stock: 30,
        lowStock: 6,
      },
      {
        name: 'Avocado toast',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        modifiers: ['eggs'],
        variants: { '': 890 },
        recipe: { Sourdough: 1, Avocado: 1 },
      },
      {
        name: 'Eggs Benedict',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        variants: { '': 1090 },
        recipe: { Eggs: 2, Sourdough: 1, Bacon: 40 },
      },
      {
        name: 'Granola bowl',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        modifiers: ['toppings'],
        variants: { '': 750 },
        recipe: { 'Whole milk': 150 },
      },
      {
        name: 'Buttermilk pancakes',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        modifiers: ['toppings'],
        variants: { 'Short stack': 790, 'Tall stack': 990 },
        recipe: { Eggs: 1, 'Whole milk': 100 },
        scale: { 'Short stack': 1, 'Tall stack': 2 },
      },
      {
        name: 'Full breakfast',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        modifiers: ['eggs'],
        variants: { '': 1390 },
        recipe: { Eggs: 2, Bacon: 60, Sourdough: 1, Tomato: 60 },
      },
    ],
  },
  {
    name: 'Lunch',
    items: [
      {
        name: 'Classic burger',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        modifiers: ['doneness', 'burger-extras', 'sauces'],
        variants: { '': 1290 },
        recipe: { 'Burger bun': 1, 'Beef mince': 150, Lettuce: 20, Tomato: 30 },
      },
      {
        name: 'Cheeseburger',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        modifiers: ['doneness', 'burger-extras', 'sauces'],
        variants: { '': 1390 },
        recipe: { 'Burger bun': 1, 'Beef mince': 150, 'Cheddar slice': 1, Lettuce: 20, Tomato: 30 },
      },
      {
        name: 'Veggie burger',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        modifiers: ['burger-extras', 'sauces'],
        variants: { '': 1250 },
        recipe: { 'Burger bun': 1, Halloumi: 100, Lettuce: 20, Tomato: 30 },
      },
      {
        name: 'Chicken club sandwich',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        modifiers: ['sauces'],
        variants: { '': 1150 },
        recipe: { Sourdough: 2, Bacon: 30, Lettuce: 20, Tomato: 30 },
      },
      {
        name: 'Caesar salad',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        variants: { Starter: 790, Main: 1190 },
        recipe: { Lettuce: 120 },
        scale: { Starter: 1, Main: 1.6 },
      },
      {
        name: 'Soup of the day',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        variants: { Cup: 550, Bowl: 790 },
      },
      {
        name: 'Grilled cheese',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        variants: { '': 850 },
        recipe: { Sourdough: 2, 'Cheddar slice': 2 },
      },
      {
        name: 'BLT',
        kind: 'menu',
        unit: 'each',
        tax: 'food',
        station: 'kitchen',
        variants: { '': 950 },
        recipe: { Sourdough: 2, Bacon: 50, Lettuce: 20, Tomato: 40 },
      },
    ],
  },
  {
    name: 'Cakes & sweets',
    items: [
      {
        name: 'Chocolate brownie',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        station: 'pastry',
        variants: { '': 390 },
        stock: 24,
        lowStock: 6,
      },
      {
        name: 'Carrot cake',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        station: 'pastry',
        modifiers: ['toppings'],
        variants: { '': 480 },
        stock: 16,
        lowStock: 4,
      },
      {
        name: 'Baked cheesecake',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        station: 'pastry',
        modifiers: ['toppings'],
        variants: { '': 520 },
        stock: 16,
        lowStock: 4,
      },
      {
        name: 'Blueberry muffin',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        station: 'pastry',
        variants: { '': 350 },
        stock: 24,
        lowStock: 6,
      },
      {
        name: 'Cinnamon roll',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        station: 'pastry',
        variants: { '': 380 },
        stock: 24,
        lowStock: 6,
      },
      {
        name: 'Cookie',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        station: 'pastry',
        variants: { 'Chocolate chip': 250, 'Oat & raisin': 250 },
        stock: 40,
        lowStock: 10,
      },
    ],
  },
  {
    name: 'To take home',
    items: [
      {
        name: 'House blend coffee beans 250 g',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        variants: { 'Whole bean': 1290, Ground: 1290 },
        sku: 'RET-BEANS-250',
        barcode: '9120000000012',
        stock: 30,
        lowStock: 5,
      },
      {
        name: 'House blend coffee beans 1 kg',
        kind: 'retail',
        unit: 'each',
        tax: 'food',
        variants: { 'Whole bean': 3990 },
        sku: 'RET-BEANS-1000',
        barcode: '9120000000029',
        stock: 12,
        lowStock: 3,
      },
      {
        name: 'Reusable cup',
        kind: 'retail',
        unit: 'each',
        tax: 'standard',
        variants: { Black: 1490, Sage: 1490 },
        sku: 'RET-CUP',
        stock: 20,
        lowStock: 5,
      },
      {
        name: 'Tote bag',
        kind: 'retail',
        unit: 'each',
        tax: 'standard',
        variants: { '': 990 },
        sku: 'RET-TOTE',
        barcode: '9120000000036',
        stock: 25,
        lowStock: 5,
      },
    ],
  },
];

/** Ingredients: stocked, consumed by recipes, never on the menu. */
export const demoIngredients: { name: string; unit: Unit; stock: number; lowStock: number }[] = [
  { name: 'Espresso beans', unit: 'g', stock: 12_000, lowStock: 2_000 },
  { name: 'Whole milk', unit: 'ml', stock: 40_000, lowStock: 8_000 },
  { name: 'Burger bun', unit: 'each', stock: 60, lowStock: 12 },
  { name: 'Beef mince', unit: 'g', stock: 9_000, lowStock: 1_500 },
  { name: 'Cheddar slice', unit: 'each', stock: 80, lowStock: 16 },
  { name: 'Halloumi', unit: 'g', stock: 3_000, lowStock: 500 },
  { name: 'Bacon', unit: 'g', stock: 4_000, lowStock: 800 },
  { name: 'Lettuce', unit: 'g', stock: 5_000, lowStock: 800 },
  { name: 'Tomato', unit: 'g', stock: 6_000, lowStock: 1_000 },
  { name: 'Sourdough', unit: 'each', stock: 80, lowStock: 16 },
  { name: 'Avocado', unit: 'each', stock: 30, lowStock: 6 },
  { name: 'Eggs', unit: 'each', stock: 180, lowStock: 36 },
];
