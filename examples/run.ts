// Runs one example by folder name: `pnpm -F @modelport/examples run example ocr`.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const [name, ...args] = process.argv.slice(2)
const entry = fileURLToPath(new URL(`./${name}/index.ts`, import.meta.url))
if (!name || !existsSync(entry)) {
  console.error(
    'Usage: pnpm -F @modelport/examples run example <ocr|vad|chat-fallback|typed-models|openai-sdk|pytorch>',
  )
  process.exit(2)
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', entry, ...args], {
  stdio: 'inherit',
})
process.exit(result.status ?? 1)
