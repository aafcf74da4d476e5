/**
 * The rollout and feedback functions of `@modelport/sdk/admin` against a real modelport server: each
 * sends its method and path through the client's request core, resolves to the typed answer, and
 * rejects with the typed error the server's status means.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  clearModelRollout,
  modelRollout,
  modelStatistics,
  promoteModelRollout,
  rollbackModelRollout,
  sendFeedback,
  setModelRollout,
} from '../src/admin/index'
import { BadRequestError, createModelport, type Modelport, NotFoundError } from '../src/index'

interface RunningServer {
  url: string
  close(): Promise<void>
}

const simplenet = fileURLToPath(new URL('../../server/models/simplenet/1', import.meta.url))
let repository: string
let server: RunningServer
let mp: Modelport
const sent: string[] = []

beforeAll(async () => {
  repository = await mkdtemp(join(tmpdir(), 'modelport-sdk-lifecycle-'))
  await cp(simplenet, join(repository, 'simplenet/1'), { recursive: true })
  await cp(simplenet, join(repository, 'simplenet/2'), { recursive: true })
  await writeFile(join(repository, 'simplenet/model.json'), JSON.stringify({ feedback: true }))
  const node = fileURLToPath(new URL('../../server/src/node.ts', import.meta.url))
  const { startServer } = (await import(/* @vite-ignore */ node)) as {
    startServer(options: object): Promise<RunningServer>
  }
  server = await startServer({
    port: 0,
    modelsDir: repository,
    builtins: false,
    ocr: false,
    log: { info() {}, warn() {}, error() {} },
  })
  mp = createModelport({
    baseUrl: server.url,
    fetch: (input, init) => {
      sent.push(`${init?.method} ${new URL(String(input)).pathname}`)
      return globalThis.fetch(input, init)
    },
  })
}, 60_000)

afterAll(async () => {
  await server?.close()
  if (repository) await rm(repository, { recursive: true, force: true })
})

describe('rollout functions', () => {
  it('set, read, promote, roll back and clear a rollout, each with its own method and path', async () => {
    const set = await setModelRollout(mp, 'simplenet', {
      stable: '1',
      canary: { version: '2', weight: 0.25 },
    })
    expect(set).toMatchObject({ model: 'simplenet', stable: '1', canary: { version: '2', weight: 0.25 } })
    expect((await modelRollout(mp, 'simplenet')).canary?.weight).toBe(0.25)
    expect((await promoteModelRollout(mp, 'simplenet')).stable).toBe('2')
    await expect(rollbackModelRollout(mp, 'simplenet')).rejects.toBeInstanceOf(BadRequestError)
    expect(await clearModelRollout(mp, 'simplenet')).toEqual({ model: 'simplenet', windows: [] })
    expect(sent.splice(0)).toEqual([
      'PUT /v2/repository/models/simplenet/rollout',
      'GET /v2/repository/models/simplenet/rollout',
      'POST /v2/repository/models/simplenet/rollout/promote',
      'POST /v2/repository/models/simplenet/rollout/rollback',
      'DELETE /v2/repository/models/simplenet/rollout',
    ])
  })

  it('a rollout naming a version the model lacks is a BadRequestError whose message names it', async () => {
    const refused = setModelRollout(mp, 'simplenet', { canary: { version: '9', weight: 0.1 } })
    await expect(refused).rejects.toThrow(/has no version 9/)
  })
})

describe('sendFeedback', () => {
  it('scores a label for the answer to a request id; a second one for the same id is a NotFoundError', async () => {
    const x = new Float32Array([0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0, -2, 4])
    const { data, response } = await mp.infer('simplenet', { inputs: { x } }).withResponse()
    const id = response.headers.get('x-request-id') as string
    const y = Array.from(data.outputs.y?.data as Float32Array)
    const predicted = y.indexOf(Math.max(...y))
    const result = await sendFeedback(mp, 'simplenet', { id, label: predicted })
    expect(result).toEqual({
      model_name: 'simplenet',
      model_version: response.headers.get('x-modelport-model-version'),
      id,
      rows: 1,
      correct: 1,
    })
    await expect(sendFeedback(mp, 'simplenet', { id, label: predicted })).rejects.toBeInstanceOf(
      NotFoundError,
    )
    const { model_stats } = await modelStatistics(mp, { model: 'simplenet', version: result.model_version })
    expect(model_stats[0]?.quality).toMatchObject({ labels: 1, accuracy: 1 })
  })
})
