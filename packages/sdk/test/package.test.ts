/**
 * The package as it would be published: built with tsup into a scratch copy, then checked with publint
 * and `attw --pack`, loaded from ESM and CommonJS, its bin run, and its built bundle weighed.
 */
import { execFile } from 'node:child_process'
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { budgetBytes, measureSize } from '../scripts/size'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'modelport-sdk-package-'))
  await run(bin('tsup'), ['--out-dir', join(scratch, 'dist')], { cwd: root })
  for (const entry of ['package.json', 'bin', 'src'])
    await cp(join(root, entry), join(scratch, entry), { recursive: true })
}, 60_000)

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

describe('the published package', () => {
  it('declares no side effects', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
    expect(manifest.sideEffects).toBe(false)
  })

  it('passes publint, strictly', async () => {
    const { stdout } = await run(bin('publint'), ['--strict', scratch])
    expect(stdout).toContain('All good!')
  })

  it('passes attw --pack in every resolution mode', async () => {
    const { stdout } = await run(bin('attw'), ['--pack', scratch, '--format', 'json'])
    const report = JSON.parse(stdout)
    expect(report.analysis.problems).toEqual([])
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual([
      '.',
      './admin',
      './codegen',
      './package.json',
    ])
  })

  it('loads from ESM and from CommonJS', async () => {
    const esm = `import { createModelport, NotFoundError } from ${JSON.stringify(join(scratch, 'dist/index.js'))}
import { renderModels } from ${JSON.stringify(join(scratch, 'dist/codegen.js'))}
import { loadModel } from ${JSON.stringify(join(scratch, 'dist/admin.js'))}
console.log(typeof createModelport({ baseUrl: 'http://x' }).infer, typeof NotFoundError, typeof renderModels, typeof loadModel)`
    const cjs = `const { createModelport, NotFoundError } = require(${JSON.stringify(join(scratch, 'dist/index.cjs'))})
const { renderModels } = require(${JSON.stringify(join(scratch, 'dist/codegen.cjs'))})
const { loadModel } = require(${JSON.stringify(join(scratch, 'dist/admin.cjs'))})
console.log(typeof createModelport({ baseUrl: 'http://x' }).infer, typeof NotFoundError, typeof renderModels, typeof loadModel)`
    for (const [flag, source] of [
      ['--input-type=module', esm],
      ['--input-type=commonjs', cjs],
    ] as const) {
      const { stdout } = await run(process.execPath, [flag, '-e', source])
      expect(stdout.trim()).toBe('function function function function')
    }
  })

  it('lets the CommonJS admin functions send through a client from the ESM build, another copy', async () => {
    const source = `import { createRequire } from 'node:module'
import { createModelport } from ${JSON.stringify(join(scratch, 'dist/index.js'))}
const { modelStatistics } = createRequire(import.meta.url)(${JSON.stringify(join(scratch, 'dist/admin.cjs'))})
const mp = createModelport({ baseUrl: 'http://127.0.0.1:1', maxRetries: 0 })
await modelStatistics(mp).catch((error) => console.log(error.name, error.code))`
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source])
    expect(stdout.trim()).toBe('ConnectionError connection_error')
  })

  it('runs its modelport-gen-client bin with plain Node', async () => {
    const { stderr } = await run(process.execPath, [join(scratch, 'bin/modelport-gen-client.js'), '--help'])
    expect(stderr).toContain('Usage: modelport-gen-client --url <server> --out <file.ts>')
  })

  it('keeps its built bundle within the size budget too', async () => {
    const { gzipped } = await measureSize(join(scratch, 'dist/index.js'))
    expect(gzipped).toBeLessThanOrEqual(budgetBytes)
  })
})
