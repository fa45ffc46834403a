// Architecture boundaries, as laid down in the style guide ("Module anatomy", "Enforcement").
// Run with `npm run boundaries`; test/boundaries.test.ts proves every rule fires on the fixture
// tree in test/fixtures/boundaries and that the real tree is clean.
//
// Path patterns are matched against paths relative to the working directory. They start with
// `(^|/)` instead of `^` so the same rules hold for the real tree (`modules/identity/...`) and
// for the fixture tree (`test/fixtures/boundaries/modules/alpha/...`). `(^|/)modules/` does not
// match inside `node_modules/` because the character before `modules` there is `_`.

/** Any file under modules/<name>/. Used in `from.path`, group 2 is the importing module: `$2`. */
const MODULE = '(^|/)modules/([^/]+)/';
const CONTRACT = '(^|/)modules/[^/]+/src/contract\\.ts$';
const TEST_FILE = '\\.test\\.ts$';
const NODE_MODULES = '(^|/)node_modules/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cross-module-internals',
      comment:
        "A module may use another module only through that module's src/contract.ts (its " +
        '`exports` "./contract"). Anything else — its index, domain, application or adapters — ' +
        'is an internal that the owning module must be free to change. Applies to imports by ' +
        'relative path and by workspace package name (@stratum/<module>) alike, because both ' +
        'resolve to the real file under modules/.',
      severity: 'error',
      from: { path: MODULE },
      to: {
        path: MODULE,
        pathNot: ['(^|/)modules/$2/', CONTRACT, NODE_MODULES],
      },
    },
    {
      name: 'domain-is-pure',
      comment:
        'domain/ holds business rules only: no I/O, no clock, no framework. It may import other ' +
        "domain files of its own module, its own module's contract.ts (the vocabulary the rules " +
        'are written in: roles, ids, error codes) and zod — no node built-ins, no platform, no ' +
        'application, no adapters, no other module and no other third-party package. Tests ' +
        'beside the domain files are exempt so they can import vitest and fast-check.',
      severity: 'error',
      from: { path: '(^|/)modules/([^/]+)/src/domain/', pathNot: TEST_FILE },
      to: {
        pathNot: [
          '(^|/)modules/$2/src/domain/',
          '(^|/)modules/$2/src/contract\\.ts$',
          '(^|/)node_modules/zod/',
        ],
      },
    },
    {
      name: 'application-not-adapters',
      comment:
        'Use cases talk to the world only through the ports in application/ports.ts; the ' +
        'adapters implement those ports and are wired in by the module index. An import from ' +
        'application/ into adapters/ turns that dependency around. Tests beside the use cases ' +
        'are exempt: they run them against in-memory adapters.',
      severity: 'error',
      from: { path: '(^|/)modules/[^/]+/src/application/', pathNot: TEST_FILE },
      to: { path: '(^|/)modules/[^/]+/src/adapters/' },
    },
    {
      name: 'platform-not-modules-or-apps',
      comment:
        'packages/platform is the chassis every module and app builds on; it must not know ' +
        'about any of them, or a service started with a subset of modules would drag in the rest.',
      severity: 'error',
      from: { path: '(^|/)packages/platform/' },
      to: { path: '(^|/)(modules|apps)/', pathNot: NODE_MODULES },
    },
    {
      name: 'no-production-imports-of-testing',
      comment:
        'packages/testing holds fixtures and helpers for tests (containers, seeded databases, ' +
        'log capture). Only *.test.ts files, test support code under test/ and the testing ' +
        'package itself may import it.',
      severity: 'error',
      from: { pathNot: [TEST_FILE, '(^|/)packages/testing/', '^test/(?!fixtures/)'] },
      to: { path: '(^|/)packages/testing/' },
    },
    {
      name: 'no-circular',
      comment:
        'Import cycles make load order fragile and blur which side owns a concept. Break the ' +
        'cycle by moving the shared part down, or by inverting it with a port.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'A relative import that does not resolve to a file is a typo or a file that was moved ' +
        'or deleted; tsx would only fail when the import runs.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: '^\\.{1,2}/' },
    },
  ],
  options: {
    // node_modules is not followed but deliberately not excluded either: `exclude` drops the
    // edges into it too, and domain-is-pure has to see a domain file importing a package.
    doNotFollow: { path: NODE_MODULES },
    exclude: { path: '(^|/)\\.data/' },
    // Type-only imports count: they still couple one file to another's source, and a module
    // importing another's internal types is exactly the leak these rules exist to stop.
    tsPreCompilationDeps: true,
    // Workspace packages are symlinks in node_modules/@stratum; follow them to the real files
    // under modules/ and packages/ so the path rules above see where an import really lands.
    preserveSymlinks: false,
    // No `paths` aliases in tsconfig.json, so dependency-cruiser does not need to read it:
    // imports are either relative with an explicit .ts extension or go through package.json.
    enhancedResolveOptions: {
      // Resolve `@stratum/identity/contract` through the `exports` map to
      // modules/identity/src/contract.ts, as Node and tsx do.
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
