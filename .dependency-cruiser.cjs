/**
 * The allowed arrows of docs/architecture.md, checked in CI (npm run check:deps):
 *   shared ← platform ← modules (each through the other's index.ts, no cycles) ← compose/app/main/cli
 * and the web app reaches the server only over HTTP.
 */
const MODULE = '^src/server/modules/([^/]+)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'platform-not-to-modules',
      comment:
        'platform/ is cross-cutting and knows no module: a module reacts through events, not calls from platform.',
      severity: 'error',
      from: { path: '^src/server/platform/' },
      to: { path: '^src/server/modules/' },
    },
    {
      name: 'module-only-through-index',
      comment: "A module reaches another only through that module's index.ts.",
      severity: 'error',
      from: { path: MODULE },
      to: {
        path: '^src/server/modules/([^/]+)/',
        pathNot: ['^src/server/modules/$1/', '^src/server/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'outside-only-through-index',
      comment: 'Start-up, demo and CLI code use modules through their index.ts as well.',
      severity: 'error',
      from: { path: '^src/(server|cli)/', pathNot: MODULE },
      to: { path: MODULE, pathNot: '^src/server/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-cycles-between-modules',
      comment: 'Module A using B and B using A is one module or an event: pick one.',
      severity: 'error',
      from: { path: MODULE },
      to: { path: '^src/server/modules/', pathNot: '^src/server/modules/$1/', circular: true },
    },
    {
      name: 'web-not-to-server',
      comment: 'The web app talks to the server over HTTP; shared rules live in src/shared.',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/(server|cli)/' },
    },
    {
      name: 'shared-is-pure',
      comment: 'src/shared runs in the browser too: no Node built-ins, no server or web code, no database drivers.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: {
        path: [
          '^src/(server|web|cli)/',
          '^node_modules/(pg|pg-copy-streams|mysql2|kysely|@electric-sql|fastify|@fastify)/',
        ],
      },
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'server-not-to-web',
      severity: 'error',
      from: { path: '^src/(server|shared|cli)/' },
      to: { path: '^src/web/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.ts$', '^src/web/api/generated/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.vue', '.js', '.mjs'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
