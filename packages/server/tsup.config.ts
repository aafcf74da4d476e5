import { defineConfig } from 'tsup'
import { edgeBuildOptions } from './scripts/edge-build.js'

export default defineConfig([
  {
    // The model worker thread's entry is loaded by file name, beside the bundle that starts it.
    entry: {
      index: 'src/index.ts',
      cli: 'src/cli.ts',
      'session-worker': 'src/runtime/onnx/session-worker.ts',
      'ocr-worker': 'src/tasks/ocr/ocr-worker.ts',
    },
    format: ['esm'],
    dts: { entry: 'src/index.ts', compilerOptions: { composite: false, emitDeclarationOnly: false } },
    // The edge bundle is built beside these, at the same time: leave it in place.
    clean: ['!edge.js', '!edge.js.map'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    // The generated validators are plain JS; bundle them, keep packages external.
    external: ['onnxruntime-node', '@modelport/sdk'],
  },
  {
    ...edgeBuildOptions(),
    // For Deno and Bun: `createEdgeApp` from `@modelport/server/edge`, typed.
    dts: {
      entry: { edge: 'src/edge.ts' },
      compilerOptions: { composite: false, emitDeclarationOnly: false },
    },
  },
])
