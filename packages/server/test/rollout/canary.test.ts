/**
 * Canary and shadow rollouts on a live server with real ONNX models (version n multiplies by n, so each
 * answer tells which version computed it): the canary's share of unpinned requests under load, pinned
 * requests never redirected, promote and rollback with no request failing, the shadow's runs counted,
 * and a failing canary rolled back by itself within its window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataType, writeModel } from '../../scripts/onnx-writer.js'
import { type RunningServer, startServer } from '../../src/node.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'

/** Same signature as the scale models, but every run fails: 4 elements cannot be reshaped to 3. */
function failingModel(): Uint8Array {
  return writeModel({
    graphName: 'failing',
    inputs: [{ name: 'x', elemType: DataType.FLOAT, shape: ['n', 4] }],
    outputs: [{ name: 'y', elemType: DataType.FLOAT, shape: ['n', 4] }],
    initializers: [{ name: 'shape', elemType: DataType.INT64, dims: [1], data: new BigInt64Array([3n]) }],
    nodes: [{ opType: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] }],
  })
}

const quiet = { info() {}, warn() {}, error() {} }
let repo: Repository
let server: RunningServer

interface Answer {
  status: number
  version: string | null
  factor: number
}

async function infer(model: string, version?: string): Promise<Answer> {
  const path = version ? `${model}/versions/${version}` : model
  const response = await fetch(`${server.url}/v2/models/${path}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 1, 1, 1] }] }),
  })
  const body = (await response.json()) as { outputs?: { data: number[] }[] }
  return {
    status: response.status,
    version: response.headers.get('x-modelport-model-version'),
    factor: body.outputs?.[0]?.data[0] ?? Number.NaN,
  }
}

/** `count` requests from `concurrency` clients at once; `during(done)` runs while they are sent. */
async function load(model: string, count: number, concurrency = 8, during?: (sent: () => number) => void) {
  const answers: Answer[] = []
  let next = 0
  const client = async () => {
    while (next < count) {
      next++
      answers.push(await infer(model))
      during?.(() => answers.length)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client))
  return answers
}

async function admin(path: string, method: string, body?: unknown) {
  const response = await fetch(`${server.url}/v2/repository/models/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

beforeAll(async () => {
  repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(1))
  await repo.add('scale/2/model.onnx', scaleModel(2))
  await repo.add('risky/1/model.onnx', scaleModel(1))
  await repo.add('risky/2/model.onnx', failingModel())
  await repo.add(
    'risky/model.json',
    JSON.stringify({
      rollout: {
        stable: 1,
        canary: { version: 2, weight: 0.5 },
        rollback: { window_ms: 10_000, max_error_rate: 0.2, min_requests: 10 },
      },
    }),
  )
  server = await startServer({ port: 0, modelsDir: repo.dir, builtins: false, ocr: false, log: quiet })
}, 60_000)
afterAll(async () => {
  await server?.close()
  await repo?.remove()
})

describe('canary rollout', () => {
  it('without a rollout, unpinned requests go to the newest version and the header says so', async () => {
    expect(await infer('scale')).toEqual({ status: 200, version: '2', factor: 2 })
  })

  it('a 10% canary answers 10% ± 2% of unpinned requests under load; pinned requests are never redirected', async () => {
    const set = await admin('scale/rollout', 'PUT', { stable: '1', canary: { version: '2', weight: 0.1 } })
    expect(set.status).toBe(200)
    expect(set.body).toMatchObject({ model: 'scale', stable: '1', canary: { version: '2', weight: 0.1 } })
    const answers = await load('scale', 4000, 8)
    expect(answers.filter((a) => a.status !== 200)).toEqual([])
    // Every answer's header names the version whose output it carries.
    expect(answers.every((a) => Number(a.version) === a.factor)).toBe(true)
    const share = answers.filter((a) => a.version === '2').length / answers.length
    expect(share).toBeGreaterThan(0.08)
    expect(share).toBeLessThan(0.12)
    const pinned = await Promise.all(Array.from({ length: 200 }, () => infer('scale', '1')))
    expect(new Set(pinned.map((a) => `${a.status} ${a.version} ${a.factor}`))).toEqual(new Set(['200 1 1']))
  }, 60_000)

  it('promote and roll back under load: no request fails, and each takes effect for the next request', async () => {
    let step = 0
    const steps: Promise<unknown>[] = []
    const answers = await load('scale', 1500, 8, (sent) => {
      // Promote at 500 answers, start a new canary back to 1 at 800, roll it back at 1100.
      if (step === 0 && sent() >= 500) steps.push(admin('scale/rollout/promote', 'POST', {}))
      else if (step === 1 && sent() >= 800)
        steps.push(admin('scale/rollout', 'PUT', { canary: { version: '1', weight: 0.5 } }))
      else if (step === 2 && sent() >= 1100) steps.push(admin('scale/rollout/rollback', 'POST', {}))
      else return
      step++
    })
    const results = (await Promise.all(steps)) as { status: number }[]
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    expect(answers.filter((a) => a.status !== 200)).toEqual([])
    // Well after the last step, only the promoted version answers.
    const tail = answers.slice(-200)
    expect(new Set(tail.map((a) => a.version))).toEqual(new Set(['2']))
    const rollout = await admin('scale/rollout', 'GET')
    expect(rollout.body).toMatchObject({ stable: '2', last_rollback: { version: '1', reason: 'manual' } })
    expect(rollout.body.canary).toBeUndefined()
  }, 60_000)

  it('a shadow runs a copy of a share of the requests: answers come from the stable version, the shadow is counted', async () => {
    await admin('scale/rollout', 'PUT', { stable: '2', shadow: { version: '1', share: 1 } })
    const answers = await load('scale', 200, 2)
    expect(new Set(answers.map((a) => `${a.status} ${a.version}`))).toEqual(new Set(['200 2']))
    await new Promise((done) => setTimeout(done, 50))
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    const shadowRuns = Number(
      /modelport_rollout_runs_total\{model="scale",version="1",role="shadow",outcome="success"\} (\d+)/.exec(
        metrics,
      )?.[1],
    )
    const skipped = Number(/modelport_rollout_shadow_skipped_total (\d+)/.exec(metrics)?.[1])
    expect(shadowRuns + skipped).toBe(200)
    expect(shadowRuns).toBeGreaterThan(100)
    expect(metrics).toContain('modelport_rollout_weight{model="scale",version="1",role="shadow"} 1')
    expect((await admin('scale/rollout', 'DELETE')).body).toEqual({ model: 'scale', windows: [] })
    expect((await infer('scale')).version).toBe('2')
  })

  it('refuses a rollout that names a version the model lacks, or is malformed, with a 400 that says why', async () => {
    const missing = await admin('scale/rollout', 'PUT', { canary: { version: 9, weight: 0.1 } })
    expect(missing).toEqual({
      status: 400,
      body: { error: "rollout.canary.version: model 'scale' has no version 9 (it has 1, 2)." },
    })
    const weight = await admin('scale/rollout', 'PUT', { canary: { version: 2, weight: 2 } })
    expect(weight.status).toBe(400)
    expect(weight.body.error).toMatch(/weight/)
    expect((await admin('scale/rollout/promote', 'POST', {})).status).toBe(400)
    expect((await admin('nope/rollout', 'GET')).status).toBe(404)
  })
})

describe('rolling a new version out as a canary from model.json', () => {
  it('a version folder loaded with a rollout in model.json takes only its weight from its first request on', async () => {
    await repo.add('fresh/1/model.onnx', scaleModel(1))
    await repo.add('fresh/model.json', JSON.stringify({}))
    expect((await admin('fresh/load', 'POST', {})).status).toBe(200)
    expect((await infer('fresh')).version).toBe('1')
    await repo.add('fresh/2/model.onnx', scaleModel(2))
    await repo.add(
      'fresh/model.json',
      JSON.stringify({ rollout: { stable: 1, canary: { version: 2, weight: 0.2 } } }),
    )
    expect((await admin('fresh/load', 'POST', {})).status).toBe(200)
    const answers = await load('fresh', 1000, 4)
    expect(answers.filter((a) => a.status !== 200)).toEqual([])
    const share = answers.filter((a) => a.version === '2').length / answers.length
    expect(share).toBeGreaterThan(0.16)
    expect(share).toBeLessThan(0.24)
    // Loading again with the same model.json keeps what the API changed since.
    await admin('fresh/rollout/promote', 'POST', {})
    expect((await admin('fresh/load', 'POST', {})).status).toBe(200)
    expect((await admin('fresh/rollout', 'GET')).body).toMatchObject({ stable: '2' })
  }, 30_000)
})

describe('automatic rollback', () => {
  it('a failing canary from model.json is rolled back by itself within its window; the stable version goes on answering', async () => {
    const started = Date.now()
    const answers: Answer[] = []
    // Until the canary is gone, or 10 s pass.
    while (Date.now() - started < 10_000) {
      answers.push(await infer('risky'))
      const { body } = await admin('risky/rollout', 'GET')
      if (body.canary === undefined) break
    }
    const rollout = (await admin('risky/rollout', 'GET')).body as {
      canary?: unknown
      last_rollback?: { version: string; reason: string; message: string; at: number }
    }
    expect(rollout.canary).toBeUndefined()
    expect(rollout.last_rollback).toMatchObject({ version: '2', reason: 'error_rate' })
    expect(rollout.last_rollback?.message).toMatch(/of its last \d+ runs within 10000 ms failed/)
    expect((rollout.last_rollback?.at as number) - started).toBeLessThan(10_000)
    const failed = answers.filter((a) => a.status !== 200)
    expect(failed.length).toBeGreaterThan(0)
    expect(failed.every((a) => a.status === 500)).toBe(true)
    // From then on every unpinned request is answered by version 1.
    const after = await Promise.all(Array.from({ length: 50 }, () => infer('risky')))
    expect(new Set(after.map((a) => `${a.status} ${a.version}`))).toEqual(new Set(['200 1']))
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toContain('modelport_rollout_rollbacks_total{model="risky",reason="error_rate"} 1')
  }, 30_000)
})
