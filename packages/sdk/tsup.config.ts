import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', codegen: 'src/codegen/index.ts', admin: 'src/admin/index.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { composite: false, emitDeclarationOnly: false } },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
})
