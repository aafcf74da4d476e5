/**
 * The generated request validators load in plain Node as an ES module. Vitest's transform accepts a
 * `require()` inside them (ajv's standalone code emits one for string lengths), but the server started
 * with Node or tsx would fail at its first import.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const validators = fileURLToPath(new URL('../src/generated/validators.js', import.meta.url))

describe('generated validators', () => {
  it('import in plain Node, outside the test runner', async () => {
    const { stdout } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `const v = await import(${JSON.stringify(validators)}); console.log(Object.keys(v).length)`,
    ])
    expect(Number(stdout.trim())).toBeGreaterThan(0)
  })
})
