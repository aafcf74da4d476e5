/**
 * The edge bundle: `src/edge.ts` and everything it imports as ONE ES module (`dist/edge.js`) for
 * Workers-style runtimes. `tsup.config.ts` builds it with the Node entries; the workerd tests build it
 * the same way into a scratch folder. A guard fails the build at the first import the edge cannot
 * have, naming the file that made it.
 */
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Options } from 'tsup'

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number]

/** Node built-ins (with or without `node:`) and the native packages that only the Node entry may use. */
const forbidden = new Set([...builtinModules, 'onnxruntime-node', 'sharp'])

/** What the edge must never import; `fs/promises` and `sharp/lib/…` count as `fs` and `sharp`. */
export function isForbiddenImport(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true
  const name = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : (specifier.split('/')[0] ?? '')
  return forbidden.has(name)
}

const edgeGuard: EsbuildPlugin = {
  name: 'modelport-edge-guard',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || !isForbiddenImport(args.path)) return undefined
      return {
        errors: [
          {
            text: `'${args.path}' is imported by ${args.importer}: the edge build runs without Node built-ins, ONNX Runtime or sharp. Keep Node-only code behind src/node.ts.`,
          },
        ],
      }
    })
  },
}

const serverFolder = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url))

/** tsup options for the edge bundle (`dist/edge.js` unless told another folder). */
export function edgeBuildOptions(outDir = serverFolder('dist')): Options {
  return {
    entry: { edge: serverFolder('src/edge.ts') },
    outDir,
    format: ['esm'],
    // Workers, Deno and Bun alike: no Node platform, web APIs only.
    platform: 'neutral',
    target: 'es2022',
    // One module with every dependency inside: a Worker uploads it as it is.
    noExternal: [/.*/],
    splitting: false,
    minify: true,
    sourcemap: true,
    dts: false,
    clean: false,
    // tsup would otherwise turn `node:fs` into an external `fs` before the guard could see it.
    removeNodeProtocol: false,
    esbuildPlugins: [edgeGuard],
    esbuildOptions(options) {
      // `source` reads the SDK from its TypeScript, so no SDK build is needed first.
      options.conditions = ['workerd', 'worker', 'browser', 'source']
      // wavefile's `module` entry has no default export; its CommonJS `main` bundles as one.
      options.mainFields = ['browser', 'main']
    },
  }
}
