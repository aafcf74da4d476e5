import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Tests run against the SDK's source, so a change there is seen without a build.
  resolve: { alias: { '@modelport/sdk': fileURLToPath(new URL('../sdk/src/index.ts', import.meta.url)) } },
  test: { name: 'server', testTimeout: 30000 },
})
