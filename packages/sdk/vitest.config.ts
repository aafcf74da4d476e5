import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: { name: 'sdk', testTimeout: 30000 },
})
