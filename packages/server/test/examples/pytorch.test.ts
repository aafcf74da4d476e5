/**
 * The PyTorch example from a clean repository folder: train and export version 1, serve it, call it
 * through the typed functions `modelport-gen-client` writes, and get PyTorch's outputs back; then
 * retrain, export version 2, load it, and get the new model's outputs from the same unpinned call.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { root, runExample, tsx } from './run-example.js'

const run = promisify(execFile)
// Debian's python3, where python3-torch and python3-onnx install (`.ci/run` installs them).
const python = process.env.MODELPORT_PYTHON ?? '/usr/bin/python3'

let server: RunningServer
let scratch: string
let repository: string

async function script(name: string, expected: string): Promise<string> {
  const args = [join(root, 'examples/pytorch', name), '--repository', repository, '--expected', expected]
  const { stdout } = await run(python, args, {
    timeout: 60_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  })
  return stdout
}

/** The example's two lines: the version that answered, and the largest difference from PyTorch. */
async function callExample(expected: string) {
  const [head, summary] = (await runExample('pytorch', server.url, [expected])).trim().split('\n')
  const diff = Number(/max abs diff from PyTorch (\S+)$/.exec(summary ?? '')?.[1])
  return { head, summary, diff }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'modelport-pytorch-'))
  repository = join(scratch, 'models')
  await script('train.py', join(scratch, 'v1.json'))
  server = await startServer({
    port: 0,
    modelsDir: repository,
    builtins: false,
    ocr: false,
    log: { info() {}, warn() {}, error() {} },
  })
}, 120_000)
afterAll(async () => {
  await server?.close()
  await rm(scratch, { recursive: true, force: true })
})

describe('examples/pytorch: from a PyTorch model to a typed call', () => {
  it('the committed typed functions are what modelport-gen-client writes for the exported model', async () => {
    const out = join(scratch, 'models.ts')
    await run(
      tsx,
      ['--conditions=source', 'packages/sdk/bin/modelport-gen-client.js', '--url', server.url, '--out', out],
      {
        cwd: root,
      },
    )
    const body = (text: string) => text.split('\n').slice(1).join('\n')
    const committed = await readFile(join(root, 'examples/pytorch/generated/models.ts'), 'utf8')
    expect(body(committed), 'stale: run modelport-gen-client again (see the example)').toBe(
      body(await readFile(out, 'utf8')),
    )
  })

  it('version 1 answers the typed call with what PyTorch computed, within 1e-5', async () => {
    const { head, summary, diff } = await callExample(join(scratch, 'v1.json'))
    expect(head).toBe('mlp version 1')
    expect(summary).toMatch(/^rows 8 width 10 /)
    expect(diff).toBeLessThanOrEqual(1e-5)
  })

  it('version 2, retrained on new data and loaded, answers the same unpinned call with its own outputs', async () => {
    const v2 = join(scratch, 'v2.json')
    expect(await script('retrain.py', v2)).toMatch(/^mlp version 2: /)
    // Answers wait for feedback from this load on (the canary below is judged on it).
    await writeFile(join(repository, 'mlp/model.json'), JSON.stringify({ feedback: true }))
    const load = await fetch(`${server.url}/v2/repository/models/mlp/load`, { method: 'POST' })
    expect(load.status).toBe(200)
    const { head, diff } = await callExample(v2)
    expect(head).toBe('mlp version 2')
    expect(diff).toBeLessThanOrEqual(1e-5)
    // Version 1's outputs differ from version 2's: the call really reached the retrained model.
    const old = await callExample(join(scratch, 'v1.json'))
    expect(old.diff).toBeGreaterThan(1e-3)
  })

  it('canary.ts: version 2 takes 30% of live traffic, is more accurate on the feedback, and is promoted', async () => {
    const livePath = join(scratch, 'live.json')
    await run(python, [join(root, 'examples/pytorch/live_data.py'), '--rows', '400', '--out', livePath], {
      timeout: 60_000,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    })
    const { stdout } = await run(tsx, ['--conditions=source', 'examples/pytorch/canary.ts', livePath], {
      cwd: root,
      env: { ...process.env, MODELPORT_URL: server.url },
      timeout: 60_000,
    })
    const lines = stdout.trim().split('\n')
    const read = (version: string) => {
      const match = new RegExp(`^version ${version}: accuracy (\\S+) over (\\d+) labelled rows$`).exec(
        lines.find((line) => line.startsWith(`version ${version}:`)) ?? '',
      )
      return { accuracy: Number(match?.[1]), rows: Number(match?.[2]) }
    }
    const [v1, v2] = [read('1'), read('2')]
    expect(v1.rows + v2.rows).toBe(400)
    // 30% of 400 unpinned requests, give or take what chance gives.
    expect(v2.rows).toBeGreaterThan(80)
    expect(v2.rows).toBeLessThan(160)
    expect(v2.accuracy).toBeGreaterThan(v1.accuracy)
    expect(lines.at(-1)).toBe('promoted: version 2 is stable')
    const answer = await fetch(`${server.url}/v2/models/mlp/infer`, {
      method: 'POST',
      body: JSON.stringify({
        inputs: [{ name: 'features', shape: [1, 10], datatype: 'FP32', data: Array(10).fill(0) }],
      }),
    })
    expect(answer.headers.get('x-modelport-model-version')).toBe('2')
  }, 120_000)
})
