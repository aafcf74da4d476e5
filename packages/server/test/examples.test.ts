/** The README's SDK quick start, run as written against a live server. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { simplenetReference } from '../scripts/simplenet.js'
import { type RunningServer, startServer } from '../src/node.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
let server: RunningServer

beforeAll(async () => {
  server = await startServer({
    port: 0,
    modelsDir: '/nonexistent-modelport-repo',
    log: { info() {}, warn() {}, error() {} },
  })
})
afterAll(() => server.close())

describe('examples', () => {
  it('quickstart prints simplenet output for its input', async () => {
    const tsx = `${root}node_modules/.bin/tsx`
    const { stdout } = await run(tsx, ['--conditions=source', 'examples/quickstart/index.ts'], {
      cwd: root,
      env: { ...process.env, MODELPORT_URL: server.url },
    })
    const [datatype, shape, ...values] = stdout.trim().split(/\s+/)
    expect(datatype).toBe('FP32')
    expect(shape).toBe('[')
    const want = simplenetReference(Float32Array.from([0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0, -2, 4]), 1)
    const numbers = values.slice(values.indexOf(']') + 1).map(Number)
    expect(numbers).toEqual(Array.from(want, (v) => Number(v.toFixed(4))))
  })
})
