import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { simplenetReference } from '../../scripts/simplenet.js'
import { appWith, send } from '../support/app.js'
import { assertMatchesContract } from '../support/contract.js'
import { type Repository, scaleModel, tempRepository } from '../support/models.js'

let repo: Repository
let app: Awaited<ReturnType<typeof appWith>>['app']
let errors: unknown[]

beforeAll(async () => {
  repo = await tempRepository()
  await repo.add('scale/1/model.onnx', scaleModel(1))
  await repo.add('scale/2/model.onnx', scaleModel(2))
  await repo.add('scale/10/model.onnx', scaleModel(10))
  await repo.add('flat/model.onnx', scaleModel(3))
  await repo.add('empty/README.md', 'no model here')
  ;({ app, errors } = await appWith({ repository: repo.dir, maxBodyBytes: 64 * 1024 }))
})
afterAll(() => repo.remove())

const row = [0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0, -2, 4]

describe('models', () => {
  it('lists the repository and built-in models in the OpenAI list shape', async () => {
    const res = await send(app, 'GET', '/v1/models')
    expect(res.status).toBe(200)
    assertMatchesContract('GET', '/v1/models', 200, res.body)
    const ids = (res.body as { data: { id: string }[] }).data.map((m) => m.id)
    expect(ids).toEqual(['flat', 'scale', 'simplenet'])
  })

  it('orders versions numerically and reports state', async () => {
    const res = await send(app, 'GET', '/v1/models/scale')
    assertMatchesContract('GET', '/v1/models/{model}', 200, res.body)
    expect(res.body).toMatchObject({ id: 'scale', versions: ['1', '2', '10'], state: 'ready', task: 'raw' })
  })

  it('reads metadata from the ONNX session, -1 for dynamic dimensions', async () => {
    const res = await send(app, 'GET', '/v2/models/simplenet')
    assertMatchesContract('GET', '/v2/models/{model}', 200, res.body)
    expect(res.body).toEqual({
      name: 'simplenet',
      versions: ['1'],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 10] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 10] }],
    })
  })

  it('serves a model laid out without a version folder as version 1', async () => {
    const res = await send(app, 'GET', '/v2/models/flat/versions/1')
    assertMatchesContract('GET', '/v2/models/{model}/versions/{version}', 200, res.body)
    expect(res.body).toMatchObject({ name: 'flat', versions: ['1'] })
  })

  it('answers readiness for the server, a model and a version', async () => {
    const server = await send(app, 'GET', '/v2/health/ready')
    assertMatchesContract('GET', '/v2/health/ready', 200, server.body)
    expect(server.body).toEqual({ ready: true })
    const live = await send(app, 'GET', '/v2/health/live')
    assertMatchesContract('GET', '/v2/health/live', 200, live.body)
    const model = await send(app, 'GET', '/v2/models/scale/ready')
    assertMatchesContract('GET', '/v2/models/{model}/ready', 200, model.body)
    expect(model.body).toEqual({ name: 'scale', version: '10', ready: true })
    const version = await send(app, 'GET', '/v2/models/scale/versions/2/ready')
    assertMatchesContract('GET', '/v2/models/{model}/versions/{version}/ready', 200, version.body)
    expect(version.body).toEqual({ name: 'scale', version: '2', ready: true })
  })

  it('describes the server', async () => {
    const res = await send(app, 'GET', '/v2')
    assertMatchesContract('GET', '/v2', 200, res.body)
    expect(res.body).toMatchObject({ name: 'modelport' })
  })
})

describe('inference', () => {
  it('runs simplenet and matches the reference computation', async () => {
    const data = [...row, ...row.map((v) => v * 2)]
    const res = await send(app, 'POST', '/v2/models/simplenet/infer', {
      id: 'req-7',
      inputs: [{ name: 'x', shape: [2, 10], datatype: 'FP32', data }],
    })
    expect(res.status).toBe(200)
    assertMatchesContract('POST', '/v2/models/{model}/infer', 200, res.body)
    const body = res.body as {
      id: string
      model_version: string
      outputs: { name: string; shape: number[]; data: number[] }[]
    }
    expect(body.id).toBe('req-7')
    expect(body.model_version).toBe('1')
    expect(body.outputs[0]?.shape).toEqual([2, 10])
    const want = simplenetReference(Float32Array.from(data), 2)
    for (const [i, v] of (body.outputs[0]?.data ?? []).entries()) expect(v).toBeCloseTo(want[i] as number, 5)
  })

  it('accepts nested data that follows the shape', async () => {
    const res = await send(app, 'POST', '/v2/models/simplenet/infer', {
      inputs: [{ name: 'x', shape: [1, 10], datatype: 'FP32', data: [row] }],
    })
    expect(res.status).toBe(200)
    const want = simplenetReference(Float32Array.from(row), 1)
    const got = (res.body as { outputs: { data: number[] }[] }).outputs[0]?.data ?? []
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i] as number, 5)
  })

  it('serves the highest version unless one is asked for', async () => {
    const x = { name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }
    const latest = await send(app, 'POST', '/v2/models/scale/infer', { inputs: [x] })
    expect(latest.body).toMatchObject({ model_version: '10', outputs: [{ data: [10, 20, 30, 40] }] })
    const v2 = await send(app, 'POST', '/v2/models/scale/versions/2/infer', { inputs: [x] })
    assertMatchesContract('POST', '/v2/models/{model}/versions/{version}/infer', 200, v2.body)
    expect(v2.body).toMatchObject({
      model_version: '2',
      outputs: [{ name: 'y', shape: [1, 4], data: [2, 4, 6, 8] }],
    })
  })

  it('returns only the outputs asked for, and all when none are named', async () => {
    const x = { name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 1, 1, 1] }
    const named = await send(app, 'POST', '/v2/models/scale/infer', { inputs: [x], outputs: [{ name: 'y' }] })
    expect((named.body as { outputs: unknown[] }).outputs).toHaveLength(1)
  })
})

const x10 = (data: unknown[] = row) => ({ name: 'x', shape: [1, 10], datatype: 'FP32', data })

// Each bad request: what is sent, the status and contract path it must get, and what the message must say.
const badRequests: [
  string,
  { path: string; template: string; body: unknown; status: number; says: RegExp },
][] = [
  [
    'malformed JSON',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: '{"inputs": [',
      status: 400,
      says: /not valid JSON/,
    },
  ],
  [
    'a body that is not an object',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: [1, 2],
      status: 400,
      says: /body must be object/,
    },
  ],
  [
    'no inputs',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [] },
      status: 400,
      says: /inputs must NOT have fewer than 1 items/,
    },
  ],
  [
    'an unknown model',
    {
      path: '/v2/models/nope/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [x10()] },
      status: 404,
      says: /Model 'nope' does not exist/,
    },
  ],
  [
    'an unknown version',
    {
      path: '/v2/models/scale/versions/3/infer',
      template: '/v2/models/{model}/versions/{version}/infer',
      body: { inputs: [x10()] },
      status: 404,
      says: /has no version 3 \(it has 1, 2, 10\)/,
    },
  ],
  [
    'a version that is not a number',
    {
      path: '/v2/models/scale/versions/latest/infer',
      template: '/v2/models/{model}/versions/{version}/infer',
      body: { inputs: [x10()] },
      status: 400,
      says: /versions are numbers/,
    },
  ],
  [
    'a model name that is a path',
    {
      path: '/v2/models/..%2F..%2Fetc%2Fpasswd/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [x10()] },
      status: 400,
      says: /is not valid: use letters/,
    },
  ],
  [
    'a model name of dots',
    {
      path: '/v2/models/../infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [x10()] },
      status: 404,
      says: /No route/,
    },
  ],
  [
    'a wrong input name',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [{ ...x10(), name: 'input' }] },
      status: 400,
      says: /has no input 'input' \(inputs: x\)/,
    },
  ],
  [
    'a missing input',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [{ name: 'x' }] },
      status: 400,
      says: /inputs\[0\] must have 'shape'/,
    },
  ],
  [
    'a wrong datatype',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [{ ...x10(), datatype: 'FP64' }] },
      status: 400,
      says: /must be FP32, got FP64/,
    },
  ],
  [
    'an unknown datatype',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [{ ...x10(), datatype: 'FLOAT' }] },
      status: 400,
      says: /datatype must be equal to one of the allowed values/,
    },
  ],
  [
    'BF16',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [{ ...x10(), datatype: 'BF16' }] },
      status: 400,
      says: /BF16, which ONNX Runtime for Node cannot carry/,
    },
  ],
  [
    'a wrong rank',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [{ ...x10(), shape: [10] }] },
      status: 400,
      says: /shape \[10\] but the model expects \[-1,10\]/,
    },
  ],
  [
    'a wrong fixed dimension',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [{ ...x10([1, 2]), shape: [1, 2] }] },
      status: 400,
      says: /expects \[-1,10\]/,
    },
  ],
  [
    'a negative dimension',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [{ ...x10(), shape: [-1, 10] }] },
      status: 400,
      says: /shape\[0\] must be >= 0/,
    },
  ],
  [
    'too few elements',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [x10([1, 2, 3])] },
      status: 400,
      says: /has 3 elements but shape \[1,10\] needs 10/,
    },
  ],
  [
    'nesting that breaks the shape',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [{ ...x10([[1, 2], [3]]), shape: [2, 10] }] },
      status: 400,
      says: /should be an array of 10/,
    },
  ],
  [
    'a string in a float tensor',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [x10([...row.slice(0, 9), 'abc'])] },
      status: 400,
      says: /element 9 is "abc": FP32 needs a number/,
    },
  ],
  [
    'a boolean in a float tensor',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [x10([true, ...row.slice(1)])] },
      status: 400,
      says: /element 0 is true/,
    },
  ],
  [
    'an unknown output',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [x10()], outputs: [{ name: 'z' }] },
      status: 400,
      says: /has no output 'z' \(outputs: y\)/,
    },
  ],
  [
    'a duplicated input',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [x10(), x10()] },
      status: 400,
      says: /given twice/,
    },
  ],
  [
    'a body over the limit',
    {
      path: '/v2/models/simplenet/infer',
      template: '/v2/models/{model}/infer',
      body: { inputs: [x10(new Array(20_000).fill(0.125))] },
      status: 413,
      says: /over the limit of 65536 bytes/,
    },
  ],
]

describe('bad input', () => {
  it.each(badRequests)('%s gets a clear error in the protocol shape', async (_name, c) => {
    const res = await send(app, 'POST', c.path, c.body)
    expect(res.status).toBe(c.status)
    if (c.status !== 404 || !String((res.body as { error: string }).error).startsWith('No route')) {
      assertMatchesContract('POST', c.template, c.status, res.body)
    }
    expect((res.body as { error: string }).error).toMatch(c.says)
    // The server keeps serving.
    const ok = await send(app, 'POST', '/v2/models/simplenet/infer', { inputs: [x10()] })
    expect(ok.status).toBe(200)
  })

  it('answers /v1 errors in the OpenAI shape', async () => {
    const missing = await send(app, 'GET', '/v1/models/nope')
    expect(missing.status).toBe(404)
    assertMatchesContract('GET', '/v1/models/{model}', 404, missing.body)
    expect(missing.body).toEqual({
      error: {
        message: "Model 'nope' does not exist.",
        type: 'not_found_error',
        code: 'model_not_found',
        param: 'model',
      },
    })
    const invalid = await send(app, 'GET', '/v1/models/a%20b')
    expect(invalid.status).toBe(400)
    assertMatchesContract('GET', '/v1/models/{model}', 400, invalid.body)
  })

  it('turns dimensions the graph cannot use into a 400 from the runtime, not a 500', async () => {
    // [0, 4] passes the declared [-1, 4] and runs: an empty batch is valid and yields an empty result.
    const empty = await send(app, 'POST', '/v2/models/scale/infer', {
      inputs: [{ name: 'x', shape: [0, 4], datatype: 'FP32', data: [] }],
    })
    expect(empty.status).toBe(200)
    expect(empty.body).toMatchObject({ outputs: [{ shape: [0, 4], data: [] }] })
  })

  it('logged no unhandled errors while refusing all of that', () => {
    expect(errors).toEqual([])
  })
})
