import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Generated model modules import `@modelport/sdk`; in tests that is this package's source.
  resolve: {
    alias: [
      { find: /^@modelport\/sdk$/, replacement: fileURLToPath(new URL('src/index.ts', import.meta.url)) },
    ],
  },
  test: { name: 'sdk', testTimeout: 30000 },
})
