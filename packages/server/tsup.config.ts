import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts', compilerOptions: { composite: false, emitDeclarationOnly: false } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // The generated validators are plain JS; bundle them, keep packages external.
  external: ['onnxruntime-node', '@modelport/sdk'],
})
