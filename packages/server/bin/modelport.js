#!/usr/bin/env node
// @ts-check
/**
 * The `modelport` command. It stays in place when `dist/` is not built yet, so installing the workspace
 * can link it, and running it before a build says what to do instead of failing to find a file.
 */
import { existsSync } from 'node:fs'

const cli = new URL('../dist/cli.js', import.meta.url)
if (!existsSync(cli)) {
  console.error(
    'modelport is not built yet. In the repository: pnpm build (or run it as pnpm modelport …, which builds first).',
  )
  process.exit(1)
}
await import(cli.href)
