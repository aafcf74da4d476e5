import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
    // Optimized graphs of test models go to a scratch folder, not the user's cache.
    env: { MODELPORT_CACHE_DIR: process.env.MODELPORT_CACHE_DIR ?? join(tmpdir(), 'modelport-test-cache') },
  },
})
