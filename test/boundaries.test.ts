import { join } from 'node:path';
import {
  cruise,
  type ICruiseOptions,
  type ICruiseResult,
  type IDependency,
  type IModule,
} from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const fixture = 'test/fixtures/boundaries';

/** The violation planted in the fixture for each rule in .dependency-cruiser.cjs. */
const planted = [
  {
    rule: 'no-cross-module-internals',
    behaviour: "a module that imports another module's domain instead of its contract",
    from: 'modules/beta/src/adapters/alpha/order-pricing.ts',
    to: 'modules/alpha/src/domain/pricing.ts',
  },
  {
    rule: 'domain-is-pure',
    behaviour: 'a domain file that imports a node built-in',
    from: 'modules/alpha/src/domain/order-number.ts',
    to: 'crypto',
  },
  {
    rule: 'application-not-adapters',
    behaviour: "a use case that imports an adapter's type",
    from: 'modules/beta/src/application/reserve-stock.ts',
    to: 'modules/beta/src/adapters/postgres/stock-table.ts',
  },
  {
    rule: 'platform-not-modules-or-apps',
    behaviour: "platform code that imports a module's contract",
    from: 'packages/platform/src/http/app.ts',
    to: 'modules/alpha/src/contract.ts',
  },
  {
    rule: 'no-production-imports-of-testing',
    behaviour: 'production code that imports the testing package',
    from: 'apps/till/src/demo-data.ts',
    to: 'packages/testing/src/index.ts',
  },
  {
    rule: 'no-circular',
    behaviour: 'two platform files that import each other',
    from: 'packages/platform/src/messaging/bus.ts',
    to: 'packages/platform/src/messaging/envelope.ts',
  },
  {
    rule: 'not-to-unresolvable',
    behaviour: 'a relative import of a file that does not exist',
    from: 'apps/till/src/main.ts',
    to: './telemetry.ts',
  },
];

/** Imports in the fixture that the rules must leave alone. */
const allowed = [
  {
    behaviour: "a module adapter that imports another module's contract by relative path",
    from: 'modules/beta/src/adapters/alpha/order-totals.ts',
    module: '../../../../alpha/src/contract.ts',
    resolved: `${fixture}/modules/alpha/src/contract.ts`,
  },
  {
    behaviour: "a module adapter that imports another module's contract by package name",
    from: 'modules/beta/src/adapters/identity/staff-roles.ts',
    module: '@stratum/identity/contract',
    resolved: 'modules/identity/src/contract.ts',
  },
  {
    behaviour: "a module index that imports another module's contract",
    from: 'modules/beta/src/index.ts',
    module: '../../alpha/src/contract.ts',
    resolved: `${fixture}/modules/alpha/src/contract.ts`,
  },
  {
    behaviour: 'a domain file that imports zod',
    from: 'modules/alpha/src/domain/order.ts',
    module: 'zod',
    resolved: 'node_modules/zod/index.js',
  },
  {
    behaviour: "a domain file that imports its own module's contract",
    from: 'modules/alpha/src/domain/order.ts',
    module: '../contract.ts',
    resolved: `${fixture}/modules/alpha/src/contract.ts`,
  },
  {
    behaviour: 'a domain file that imports another domain file',
    from: 'modules/alpha/src/domain/order.ts',
    module: './pricing.ts',
    resolved: `${fixture}/modules/alpha/src/domain/pricing.ts`,
  },
  {
    behaviour: 'a domain test that imports vitest',
    from: 'modules/alpha/src/domain/order.test.ts',
    module: 'vitest',
  },
  {
    behaviour: 'a use case test that runs against an in-memory adapter',
    from: 'modules/alpha/src/application/get-order-total.test.ts',
    module: '../adapters/memory/order-repository.ts',
    resolved: `${fixture}/modules/alpha/src/adapters/memory/order-repository.ts`,
  },
  {
    behaviour: 'a use case test that imports the testing package',
    from: 'modules/alpha/src/application/get-order-total.test.ts',
    module: '../../../../packages/testing/src/index.ts',
    resolved: `${fixture}/packages/testing/src/index.ts`,
  },
  {
    behaviour: 'a module index that wires its own adapters',
    from: 'modules/alpha/src/index.ts',
    module: './adapters/memory/order-repository.ts',
    resolved: `${fixture}/modules/alpha/src/adapters/memory/order-repository.ts`,
  },
  {
    behaviour: 'a module adapter that imports platform',
    from: 'modules/alpha/src/adapters/http/routes.ts',
    module: '../../../../../packages/platform/src/index.ts',
    resolved: `${fixture}/packages/platform/src/index.ts`,
  },
  {
    behaviour: 'an app that mounts a module through its index',
    from: 'apps/till/src/main.ts',
    module: '../../../modules/alpha/src/index.ts',
    resolved: `${fixture}/modules/alpha/src/index.ts`,
  },
  {
    behaviour: 'an app test that imports the testing package',
    from: 'apps/till/src/main.test.ts',
    module: '../../../packages/testing/src/index.ts',
    resolved: `${fixture}/packages/testing/src/index.ts`,
  },
  {
    behaviour: 'the testing package to import its own files',
    from: 'packages/testing/src/index.ts',
    module: './tenant.ts',
    resolved: `${fixture}/packages/testing/src/tenant.ts`,
  },
];

async function loadOptions(): Promise<ICruiseOptions> {
  return extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'));
}

async function cruiseWithConfig(
  paths: string[],
  overrides: ICruiseOptions = {},
): Promise<ICruiseResult> {
  const options = await loadOptions();
  const { output } = await cruise(paths, { ...options, ...overrides, baseDir: root });
  if (typeof output === 'string') throw new Error('dependency-cruiser returned a report string');
  return output;
}

let fixtureRun: Promise<ICruiseResult> | undefined;
let realRun: Promise<ICruiseResult> | undefined;

// The fixture imports @stratum/identity/contract to prove workspace resolution; stop there
// rather than cruising the real tree behind it, so this proof never depends on its state.
const cruiseFixture = () =>
  (fixtureRun ??= cruiseWithConfig([fixture], {
    doNotFollow: { path: ['(^|/)node_modules/', '^(apps|modules|packages)/'] },
  }));
const cruiseRealTree = () => (realRun ??= cruiseWithConfig(['apps', 'modules', 'packages']));

const inFixture = (path: string) => path.replace(`${fixture}/`, '');

function dependency(result: ICruiseResult, from: string, module: string): IDependency {
  const source: IModule | undefined = result.modules.find((m) => m.source === `${fixture}/${from}`);
  const found = source?.dependencies.find((d) => d.module === module);
  if (!found) throw new Error(`the fixture has no import of '${module}' in ${from}`);
  return found;
}

describe('dependency-cruiser on the boundary fixture', () => {
  it('has a planted violation for every rule in .dependency-cruiser.cjs', async () => {
    const options = await loadOptions();
    const ruleNames = (options.ruleSet?.forbidden ?? []).map((rule) => rule.name);

    expect(ruleNames.toSorted()).toEqual(planted.map((p) => p.rule).toSorted());
  });

  it('reports exactly the planted violations and nothing else', async () => {
    const { summary } = await cruiseFixture();
    const reported = summary.violations.map((v) => ({
      rule: v.rule.name,
      from: inFixture(v.from),
      to: inFixture(v.to),
    }));

    const byRule = (a: { rule: string }, b: { rule: string }) => a.rule.localeCompare(b.rule);
    expect(reported.toSorted(byRule)).toEqual(
      planted.map(({ rule, from, to }) => ({ rule, from, to })).toSorted(byRule),
    );
    expect(summary.error).toBe(planted.length);
  });

  for (const { rule, behaviour, from, to } of planted) {
    it(`${rule} flags ${behaviour}`, async () => {
      const { summary } = await cruiseFixture();
      const flagged = summary.violations
        .filter((v) => v.rule.name === rule)
        .map((v) => ({ from: inFixture(v.from), to: inFixture(v.to) }));

      expect(flagged).toEqual([{ from, to }]);
    });
  }

  it('counts type-only imports as dependencies', async () => {
    const result = await cruiseFixture();
    const typeOnly = dependency(
      result,
      'modules/beta/src/application/reserve-stock.ts',
      '../adapters/postgres/stock-table.ts',
    );

    expect(typeOnly.dependencyTypes).toContain('type-only');
    expect(typeOnly.valid).toBe(false);
  });

  for (const { behaviour, from, module, resolved } of allowed) {
    it(`allows ${behaviour}`, async () => {
      const found = dependency(await cruiseFixture(), from, module);

      expect(found.couldNotResolve).toBe(false);
      if (resolved) expect(found.resolved).toBe(resolved);
      expect(found.rules ?? []).toEqual([]);
      expect(found.valid).toBe(true);
    });
  }
});

describe('dependency-cruiser on the real tree', () => {
  it('finds no boundary violations in apps, modules and packages', async () => {
    const { summary } = await cruiseRealTree();

    expect(summary.totalCruised).toBeGreaterThan(0);
    expect(summary.violations).toEqual([]);
  });

  it('resolves workspace package imports to their real paths, not through node_modules', async () => {
    const { modules } = await cruiseRealTree();
    const workspaceImports = modules.flatMap((m) =>
      m.dependencies
        .filter((d) => d.module.startsWith('@stratum/'))
        .map((d) => ({ from: m.source, module: d.module, resolved: d.resolved })),
    );

    expect(workspaceImports.length).toBeGreaterThan(0);
    expect(
      workspaceImports.filter(({ resolved }) => !/^(apps|modules|packages)\//.test(resolved)),
    ).toEqual([]);
  });
});
