/**
 * Rolling out a new model version while clients keep calling `/v2/models/scale/infer` with no version:
 * eight clients loop without pause through each switch, and not one request may fail. Answers must
 * switch from the old version's behaviour to the new one's once, and never back; the old version must
 * be released afterwards. Rolled out three ways: the repository `load` call, the folder watcher, and
 * a broken version the watcher finds (which must change nothing).
 */
import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { eventually } from '../support/fake-upstream.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'

interface Call {
  client: number
  started: number
  ended: number
  status: number
  version?: string
  /** The factor the answer shows: y / x. */
  factor?: number
}

let repo: Repository
let server: RunningServer

beforeAll(async () => {
  repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(1))
  server = await startServer({
    port: 0,
    builtins: false,
    modelsDir: repo.dir,
    watch: true,
    metrics: false,
    ocr: false,
    log: { info() {}, warn() {}, error() {} },
  })
})
afterAll(async () => {
  await server?.close()
  await repo?.remove()
})

/** Writes a version folder the way a deploy should: the file appears whole, by rename. */
async function addVersion(version: number, bytes: Uint8Array | string) {
  await repo.add(`scale/${version}/model.onnx.part`, bytes)
  const dir = join(repo.dir, 'scale', String(version))
  await rename(join(dir, 'model.onnx.part'), join(dir, 'model.onnx'))
}

/** Runs `clients` loops of back-to-back requests until `during` resolves, then `afterMs` more. */
async function underLoad(during: () => Promise<void>, afterMs = 300, clients = 8): Promise<Call[]> {
  const calls: Call[] = []
  let stop = false
  const loop = async (client: number) => {
    while (!stop) {
      const started = performance.now()
      const call: Call = { client, started, ended: 0, status: 0 }
      try {
        const response = await fetch(`${server.url}/v2/models/scale/infer`, {
          method: 'POST',
          body: JSON.stringify({
            inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }],
          }),
        })
        call.status = response.status
        const body = (await response.json()) as { model_version?: string; outputs?: { data: number[] }[] }
        call.version = body.model_version
        call.factor = body.outputs?.[0]?.data[0]
      } catch {
        call.status = -1
      }
      call.ended = performance.now()
      calls.push(call)
    }
  }
  const loops = Array.from({ length: clients }, (_, i) => loop(i))
  await new Promise((done) => setTimeout(done, 200))
  await during()
  await new Promise((done) => setTimeout(done, afterMs))
  stop = true
  await Promise.all(loops)
  return calls
}

/** Asserts no failure and a single switch from `from` to `to`, in every client's order and globally. */
function expectSwitch(calls: Call[], from: string, to: string) {
  expect(calls.filter((c) => c.status !== 200)).toEqual([])
  // Every answer is consistent: version N multiplies by N.
  for (const call of calls) expect(call.factor).toBe(Number(call.version))
  const versions = new Set(calls.map((c) => c.version))
  expect([...versions].sort()).toEqual([from, to].sort())
  for (let client = 0; client < 8; client++) {
    const seen = calls.filter((c) => c.client === client).map((c) => c.version)
    const firstNew = seen.indexOf(to)
    if (firstNew >= 0) expect(seen.slice(firstNew).every((v) => v === to)).toBe(true)
  }
  const firstNewEnded = Math.min(...calls.filter((c) => c.version === to).map((c) => c.ended))
  const lateOld = calls.filter((c) => c.started > firstNewEnded && c.version === from)
  expect(lateOld).toEqual([])
}

describe('rolling out a new version under load', () => {
  it('through POST /v2/repository/models/scale/load: no request fails, answers switch once', async () => {
    let loadStatus = 0
    const calls = await underLoad(async () => {
      await addVersion(2, scaleModel(2))
      const response = await fetch(`${server.url}/v2/repository/models/scale/load`, { method: 'POST' })
      loadStatus = response.status
    })
    expect(loadStatus).toBe(200)
    expect(calls.length).toBeGreaterThan(50)
    expectSwitch(calls, '1', '2')
    // Version 1 drains and is released after the switch; it would load again if asked for.
    expect(await eventually(() => server.registry.version('scale', '1').state === 'unloaded', 3000)).toBe(
      true,
    )
    expect(server.registry.version('scale', '1').accepting).toBe(true)
  })

  it('through the folder watcher: a new version folder rolls out by itself', async () => {
    const calls = await underLoad(async () => {
      await addVersion(3, scaleModel(3))
      expect(await eventually(() => server.registry.version('scale').version === '3', 5000)).toBe(true)
    })
    expectSwitch(calls, '2', '3')
  })

  it('a version that fails to load changes nothing: version 3 goes on serving every request', async () => {
    const calls = await underLoad(async () => {
      await addVersion(4, 'this is not an ONNX model')
      const failed = () =>
        server.registry.entry('scale').versions.some((v) => v.version === '4' && v.state === 'unavailable')
      expect(await eventually(failed, 5000)).toBe(true)
    })
    expect(calls.filter((c) => c.status !== 200 || c.version !== '3')).toEqual([])
  })
})
