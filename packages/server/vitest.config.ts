import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const sdk = (path: string) => fileURLToPath(new URL(`../sdk/src/${path}`, import.meta.url))

export default defineConfig({
  // Tests run against the SDK's source, so a change there is seen without a build.
  resolve: {
    alias: [
      { find: /^@modelport\/sdk$/, replacement: sdk('index.ts') },
      { find: /^@modelport\/sdk\/codegen$/, replacement: sdk('codegen/index.ts') },
      { find: /^@modelport\/sdk\/admin$/, replacement: sdk('admin/index.ts') },
    ],
  },
  test: {
    name: 'server',
    testTimeout: 30000,
    // Saved optimized graphs are off unless a test asks (their tests pass a folder of their own): no test
    // writes to the user's cache, and start-up timings stay those of a plain start.
    env: { MODELPORT_CACHE_DIR: process.env.MODELPORT_CACHE_DIR ?? 'off' },
  },
})
