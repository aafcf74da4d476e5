// Writes models/simplenet/1/model.onnx. With --check, writes nothing and exits 1 if the file is stale.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { SIMPLENET_MODEL_PATH, simplenetModel } from './simplenet'

const bytes = simplenetModel()
const shown = relative(process.cwd(), SIMPLENET_MODEL_PATH)

if (process.argv.includes('--check')) {
  let current: Buffer | undefined
  try {
    current = readFileSync(SIMPLENET_MODEL_PATH)
  } catch {
    current = undefined
  }
  if (!current?.equals(bytes)) {
    console.error(`${shown} is missing or out of date; run \`pnpm -F @modelport/server generate\``)
    process.exit(1)
  }
  console.log(`${shown} is up to date`)
} else {
  mkdirSync(dirname(SIMPLENET_MODEL_PATH), { recursive: true })
  writeFileSync(SIMPLENET_MODEL_PATH, bytes)
  console.log(`wrote ${shown} (${bytes.length} bytes)`)
}
