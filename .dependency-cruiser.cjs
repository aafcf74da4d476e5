/**
 * The import rule of ARCHITECTURE.md, checked by `pnpm test` (`pnpm deps`): no cycles anywhere, and
 * in the server every folder imports only from folders below it in `serverLayers`. The entries and
 * `app.ts` at the top of `src/` may import anything; nothing imports them.
 */

/** Bottom first. A folder may import from its own layer's folder and from the layers before it. */
const serverLayers = [
  ['core', 'generated'],
  ['config'],
  ['runtime'],
  ['tensors'],
  ['http'],
  ['lifecycle'],
  ['rollout'],
  ['quality'],
  ['models'],
  ['tasks'],
  ['providers'],
  ['routing'],
  ['limits'],
  ['observability'],
  ['endpoints'],
]

const src = '^packages/server/src/'
const folders = (layers) => `${src}(${layers.flat().join('|')})/`

const upward = serverLayers.flatMap((layer, index) => {
  const above = serverLayers.slice(index + 1)
  return layer.map((folder) => ({
    name: `layer-${folder}`,
    comment: `src/${folder} imports only from the layers below it (ARCHITECTURE.md)`,
    severity: 'error',
    from: { path: `${src}${folder}/` },
    to: { path: above.length > 0 ? `${folders(above)}|${src}[^/]+\\.ts$` : `${src}[^/]+\\.ts$` },
  }))
})

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle, type-only imports included, makes two modules one: break it by moving the shared part down.',
      severity: 'error',
      from: { path: '^packages/(server|sdk)/src/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing',
      comment: 'src/core is the bottom layer: it imports nothing else in src',
      severity: 'error',
      from: { path: `${src}core/` },
      to: { path: src, pathNot: `${src}core/` },
    },
    ...upward,
    {
      name: 'sdk-stays-apart',
      comment: 'The SDK never imports the server',
      severity: 'error',
      from: { path: '^packages/sdk/src/' },
      to: { path: '^packages/server/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.tsc)/' },
    tsPreCompilationDeps: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
}
