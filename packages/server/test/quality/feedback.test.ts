/**
 * Feedback over HTTP on a live server: answers from two versions (a canary takes half), ground truth
 * sent later through the SDK by request id, and the live quality per version in the statistics and
 * `/metrics` equal to what is computed offline from the same answers and labels.
 */
import { createModelport, NotFoundError } from '@modelport/sdk'
import { modelStatistics, sendFeedback, setModelRollout } from '@modelport/sdk/admin'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../src/node.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'

let repo: Repository
let server: RunningServer

const argmax = (values: number[]) =>
  values.reduce((best, v, i) => (v > (values[best] as number) ? i : best), 0)

/** A seeded generator, so the labels (and the accuracies they give) are the same every run. */
function random(seed: number) {
  return () => {
    seed = (seed * 16807) % 2147483647
    return seed / 2147483647
  }
}

interface Answered {
  id: string
  version: string
  x: number[]
  y: number[]
}

async function infer(id: string, x: number[]): Promise<Answered> {
  const response = await fetch(`${server.url}/v2/models/cls/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': id },
    body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: x }] }),
  })
  expect(response.headers.get('x-request-id')).toBe(id)
  const body = (await response.json()) as { outputs: { data: number[] }[] }
  return {
    id,
    version: response.headers.get('x-modelport-model-version') as string,
    x,
    y: body.outputs[0]?.data ?? [],
  }
}

beforeAll(async () => {
  repo = await tempRepository()
  // Version 1 ranks the classes as the truth does; version 2 (y = -x) ranks them backwards.
  await repo.add('cls/1/model.onnx', scaleModel(1))
  await repo.add('cls/2/model.onnx', scaleModel(-1))
  await repo.add('cls/model.json', JSON.stringify({ feedback: { window_ms: 60_000, capacity: 1000 } }))
  server = await startServer({
    port: 0,
    modelsDir: repo.dir,
    builtins: false,
    ocr: false,
    log: { info() {}, warn() {}, error() {} },
  })
}, 60_000)
afterAll(async () => {
  await server?.close()
  await repo?.remove()
})

describe('feedback', () => {
  it('accuracy, MAE and RMSE per version equal the offline figures from the same answers and ground truth', async () => {
    const mp = createModelport({ baseUrl: server.url })
    await setModelRollout(mp, 'cls', { stable: '1', canary: { version: '2', weight: 0.5 } })
    const next = random(42)
    const answers: Answered[] = []
    for (let i = 0; i < 300; i++) {
      const x = Array.from({ length: 4 }, () => Math.round(next() * 1000) / 100)
      answers.push(await infer(`req-${i}`, x))
    }
    expect(new Set(answers.map((a) => a.version))).toEqual(new Set(['1', '2']))
    const offline = new Map<
      string,
      { labels: number; correct: number; values: number; abs: number; sq: number }
    >()
    for (const [index, answer] of answers.entries()) {
      const tally = offline.get(answer.version) ?? { labels: 0, correct: 0, values: 0, abs: 0, sq: 0 }
      offline.set(answer.version, tally)
      if (index % 2 === 0) {
        // The true class is the largest input, except for a fifth of the rows, labelled at random.
        const label = next() < 0.8 ? argmax(answer.x) : Math.floor(next() * 4)
        const result = await sendFeedback(mp, 'cls', { id: answer.id, label })
        expect(result).toMatchObject({ model_name: 'cls', model_version: answer.version, rows: 1 })
        tally.labels++
        if (argmax(answer.y) === label) tally.correct++
      } else {
        await sendFeedback(mp, 'cls', { id: answer.id, value: answer.x })
        answer.y.forEach((value, i) => {
          const error = value - (answer.x[i] as number)
          tally.values++
          tally.abs += Math.abs(error)
          tally.sq += error * error
        })
      }
    }
    const { model_stats } = await modelStatistics(mp, { model: 'cls' })
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    for (const version of ['1', '2']) {
      const want = offline.get(version) as NonNullable<ReturnType<typeof offline.get>>
      const stats = model_stats.find((s) => s.version === version)
      expect(stats?.quality).toMatchObject({ labels: want.labels, values: want.values, scores: 0 })
      expect(stats?.quality?.accuracy).toBeCloseTo(want.correct / want.labels, 12)
      expect(stats?.quality?.mean_absolute_error).toBeCloseTo(want.abs / want.values, 6)
      expect(stats?.quality?.root_mean_squared_error).toBeCloseTo(Math.sqrt(want.sq / want.values), 6)
      const gauge = new RegExp(`modelport_model_accuracy\\{model="cls",version="${version}"\\} (\\S+)`).exec(
        metrics,
      )
      expect(Number(gauge?.[1])).toBeCloseTo(want.correct / want.labels, 12)
      expect(stats?.input_drift?.[0]).toMatchObject({ name: 'x', live: { count: 0 } })
    }
    // The truth mostly agrees with version 1, never with version 2 (it ranks backwards).
    expect(offline.get('1')?.correct).toBeGreaterThan((offline.get('1')?.labels ?? 0) * 0.7)
    expect(metrics).toMatch(/modelport_feedback_pending 0\b/)
  }, 60_000)

  it('a shadow version is judged on the same feedback as the answers clients got from the stable one', async () => {
    const mp = createModelport({ baseUrl: server.url })
    await setModelRollout(mp, 'cls', { stable: '1', shadow: { version: '2', share: 1 } })
    const before = await modelStatistics(mp, { model: 'cls', version: '2' })
    const labelsBefore = before.model_stats[0]?.quality?.labels ?? 0
    const correctBefore = labelsBefore * (before.model_stats[0]?.quality?.accuracy ?? 0)
    const next = random(9)
    const answers: Answered[] = []
    for (let i = 0; i < 60; i++)
      answers.push(
        await infer(
          `shadow-${i}`,
          Array.from({ length: 4 }, () => Math.round(next() * 1000) / 100),
        ),
      )
    expect(new Set(answers.map((a) => a.version))).toEqual(new Set(['1']))
    // Let the last shadow runs finish: they start once each answer is out.
    await new Promise((done) => setTimeout(done, 100))
    let shadowCorrect = 0
    for (const answer of answers) {
      const label = next() < 0.5 ? argmax(answer.x) : argmax(answer.x.map((v) => -v))
      // The client was answered by version 1; version 2 (y = -x) would have said the argmin.
      if (argmax(answer.x.map((v) => -v)) === label) shadowCorrect++
      expect((await sendFeedback(mp, 'cls', { id: answer.id, label })).model_version).toBe('1')
    }
    const after = (await modelStatistics(mp, { model: 'cls', version: '2' })).model_stats[0]?.quality
    expect(after?.labels).toBe(labelsBefore + 60)
    expect(after?.accuracy).toBeCloseTo((correctBefore + shadowCorrect) / (labelsBefore + 60), 9)
  })

  it('refuses feedback for an id that was never answered, twice, or for another model, in the /v2 error shape', async () => {
    const mp = createModelport({ baseUrl: server.url })
    const answered = await infer('once', [1, 2, 3, 4])
    await sendFeedback(mp, 'cls', { id: answered.id, score: 1 })
    await expect(sendFeedback(mp, 'cls', { id: answered.id, score: 1 })).rejects.toBeInstanceOf(NotFoundError)
    const response = await fetch(`${server.url}/v2/models/cls/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', label: 'cat' }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^body\.label /) })
    const unknown = await fetch(`${server.url}/v2/models/nope/feedback`, { method: 'POST', body: '{}' })
    expect(unknown.status).toBe(404)
  })
})
