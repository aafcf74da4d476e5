import { describe, expect, it } from 'vitest'
import {
  BadRequestError,
  createModelport,
  InternalServerError,
  type ModelportError,
  NotFoundError,
  UserAbortError,
} from '../src/index'
import { json, rejection, serve, type TestServer } from './support/serve'

describe('infer', () => {
  const metadata = {
    name: 'simplenet',
    versions: ['1'],
    platform: 'onnx_onnxv1',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 10] }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 2] }],
  }

  /** A fake simplenet: metadata on GET, and on POST outputs shaped from the first input's batch. */
  async function fakeSimplenet(options: { metadataStatus?: () => number } = {}) {
    return serve((req, res) => {
      if (req.method === 'GET' && /^\/v2\/models\/simplenet(\/versions\/\d+)?$/.test(req.url)) {
        const status = options.metadataStatus?.() ?? 200
        return json(res, status, status === 200 ? metadata : { error: 'loading' })
      }
      if (req.method === 'POST' && req.url.endsWith('/infer')) {
        const body = JSON.parse(req.body)
        const batch = body.inputs[0].shape[0]
        return json(res, 200, {
          model_name: 'simplenet',
          model_version: '1',
          ...(body.id === undefined ? {} : { id: body.id }),
          outputs: [
            {
              name: 'y',
              datatype: 'FP32',
              shape: [batch, 2],
              data: Array.from({ length: batch }, (_, i) => [i + 0.5, i === 0 ? 'NaN' : -i]),
            },
            { name: 'count', datatype: 'INT64', shape: [1], data: ['9007199254740993'] },
          ],
        })
      }
      json(res, 404, { error: `no route ${req.method} ${req.url}` })
    })
  }

  const routes = (server: TestServer) => server.requests.map((r) => `${r.method} ${r.url}`)
  const bodyOf = (server: TestServer, i: number) => JSON.parse(server.requests[i]?.body ?? 'null')

  it('reads the shape from metadata once, then sends FP32 [1, 10]', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })

    const first = await mp.infer<'y' | 'count'>('simplenet', {
      inputs: { x: new Float32Array(10).fill(0.25) },
      id: 'req-1',
    })
    expect(routes(server)).toEqual(['GET /v2/models/simplenet', 'POST /v2/models/simplenet/infer'])
    expect(server.requests[1]?.headers['content-type']).toBe('application/json')
    expect(bodyOf(server, 1)).toEqual({
      id: 'req-1',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 10], data: Array(10).fill(0.25) }],
    })
    expect(first.id).toBe('req-1')
    expect(first.model_name).toBe('simplenet')
    expect(first.model_version).toBe('1')
    expect(first.outputs.y.datatype).toBe('FP32')
    expect(first.outputs.y.shape).toEqual([1, 2])
    expect(first.outputs.y.data).toBeInstanceOf(Float32Array)
    expect(Array.from(first.outputs.y.data as Float32Array)).toEqual([0.5, Number.NaN])
    expect(first.outputs.count.data).toEqual(BigInt64Array.of(9007199254740993n))

    const second = await mp.infer<'y'>('simplenet', { inputs: { x: new Float32Array(20) } })
    expect(routes(server)).toEqual([
      'GET /v2/models/simplenet',
      'POST /v2/models/simplenet/infer',
      'POST /v2/models/simplenet/infer',
    ])
    expect(bodyOf(server, 2).inputs[0].shape).toEqual([2, 10])
    expect(bodyOf(server, 2).id).toBeUndefined()
    expect(second.id).toBeUndefined()
    expect(second.outputs.y.shape).toEqual([2, 2])
  })

  it('makes no metadata request with an explicit shape and datatype', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    const result = await mp.infer<'y' | 'count'>('simplenet', {
      inputs: { x: { data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], shape: [1, 10], datatype: 'FP32' } },
      outputs: ['y'],
      parameters: { priority: 1 },
    })
    expect(routes(server)).toEqual(['POST /v2/models/simplenet/infer'])
    expect(bodyOf(server, 0)).toEqual({
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 10], data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }],
      outputs: [{ name: 'y' }],
      parameters: { priority: 1 },
    })
    expect(Object.keys(result.outputs).sort()).toEqual(['count', 'y'])
  })

  it('throws a TypeError naming the input when the data cannot fit the shape', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    const error = await mp.infer('simplenet', { inputs: { x: new Float32Array(7) } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toMatch(/'x'.*7 elements.*\[-1,10\]/)
    expect(routes(server)).toEqual(['GET /v2/models/simplenet'])
  })

  it('throws a TypeError for an empty array with no datatype anywhere', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    const error = await mp
      .infer('simplenet', { inputs: { z: { data: [], shape: [0] } } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toContain("'z'")
  })

  it('does not cache a failed metadata request', async () => {
    let status = 503
    const server = await fakeSimplenet({ metadataStatus: () => status })
    const mp = createModelport({ baseUrl: server.url, maxRetries: 0 })
    const error = await rejection(mp.infer('simplenet', { inputs: { x: new Float32Array(10) } }))
    expect(error).toBeInstanceOf(InternalServerError)
    status = 200
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) } })
    expect(routes(server)).toEqual([
      'GET /v2/models/simplenet',
      'GET /v2/models/simplenet',
      'POST /v2/models/simplenet/infer',
    ])
  })

  it('caches metadata per version', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) }, version: '1' })
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) }, version: '1' })
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) } })
    expect(routes(server)).toEqual([
      'GET /v2/models/simplenet/versions/1',
      'POST /v2/models/simplenet/versions/1/infer',
      'POST /v2/models/simplenet/versions/1/infer',
      'GET /v2/models/simplenet',
      'POST /v2/models/simplenet/infer',
    ])
  })

  it('throws a TypeError naming an input the model does not have, before any inference request', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    const error = await mp
      .infer('simplenet', { inputs: { z: new Float32Array(10) } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toBe("Input 'z' is not one of simplenet's: x.")
    expect(routes(server)).toEqual(['GET /v2/models/simplenet'])
  })

  it('throws a TypeError when an explicit shape does not match the data', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    const error = await mp
      .infer('simplenet', { inputs: { x: { data: new Float32Array(10), shape: [2, 10], datatype: 'FP32' } } })
      .catch((e: unknown) => e)
    expect((error as TypeError).message).toBe(
      "Input 'x': 10 elements do not fit the shape [2,10]; pass a shape.",
    )
    expect(server.requests).toHaveLength(0)
  })

  const integers: [
    string,
    { given: { data: number[]; datatype: 'INT32' | 'UINT8' | 'INT64' }; want: RegExp },
  ][] = [
    [
      'a fraction for INT32',
      { given: { data: [1, 2.5], datatype: 'INT32' }, want: /^Input 'x': 2.5 is not a INT32 value/ },
    ],
    [
      'NaN for INT64',
      { given: { data: [Number.NaN], datatype: 'INT64' }, want: /^Input 'x': NaN is not a INT64 value/ },
    ],
    [
      '256 for UINT8',
      { given: { data: [256], datatype: 'UINT8' }, want: /^Input 'x': 256 is not a UINT8 value/ },
    ],
    [
      '-1 for UINT8',
      { given: { data: [-1], datatype: 'UINT8' }, want: /^Input 'x': -1 is not a UINT8 value/ },
    ],
  ]
  it.each(integers)('refuses %s on the client, naming the input', async (_, { given, want }) => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    const request = {
      inputs: { x: { data: given.data, shape: [given.data.length], datatype: given.datatype } },
    }
    const error = await mp.infer('simplenet', request).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toMatch(want)
    expect(server.requests).toHaveLength(0)
  })

  it('sends FP16 values rounded to the nearest half-precision value', async () => {
    const server = await fakeSimplenet()
    const mp = createModelport({ baseUrl: server.url })
    await mp.infer('simplenet', {
      inputs: { x: { data: [0.1, 1 / 3, 65520, 1e-8], shape: [4], datatype: 'FP16' } },
    })
    expect(bodyOf(server, 0).inputs[0].data).toEqual([0.0999755859375, 0.333251953125, 'Infinity', 0])
  })

  it("shares one metadata request between concurrent calls; one caller's abort leaves the others be", async () => {
    let answer: () => void = () => {}
    const metadataSent = new Promise<void>((resolve) => {
      answer = resolve
    })
    const server = await serve((req, res) => {
      if (req.method === 'GET') {
        void metadataSent.then(() => json(res, 200, metadata))
        return
      }
      json(res, 200, { model_name: 'simplenet', outputs: [] })
    })
    const mp = createModelport({ baseUrl: server.url })
    const controller = new AbortController()
    const aborted = mp.infer(
      'simplenet',
      { inputs: { x: new Float32Array(10) } },
      { signal: controller.signal, timeout: 50 },
    )
    const other = mp.infer('simplenet', { inputs: { x: new Float32Array(20) } })
    await server.received(1)
    controller.abort()
    expect(await rejection(aborted)).toBeInstanceOf(UserAbortError)
    // Longer than the aborted caller's timeout: the shared request does not carry it either.
    await new Promise((resolve) => setTimeout(resolve, 100))
    answer()
    expect((await other).model_name).toBe('simplenet')
    expect(routes(server)).toEqual(['GET /v2/models/simplenet', 'POST /v2/models/simplenet/infer'])
    expect(bodyOf(server, 1).inputs[0].shape).toEqual([2, 10])
  })

  const stale: [string, { given: { status: number; body: unknown }; want: typeof ModelportError }][] = [
    [
      '400 (the model changed its inputs)',
      {
        given: { status: 400, body: { error: "Input 'x' has datatype FP32 but the model needs FP16." } },
        want: BadRequestError,
      },
    ],
    [
      '404 (the model or version went away)',
      { given: { status: 404, body: { error: "Model 'simplenet' does not exist." } }, want: NotFoundError },
    ],
  ]
  it.each(stale)('looks the metadata up afresh after a %s', async (_, { given, want }) => {
    let failures = 1
    const server = await serve((req, res) => {
      if (req.method === 'GET') return json(res, 200, metadata)
      if (failures-- > 0) return json(res, given.status, given.body)
      json(res, 200, { model_name: 'simplenet', outputs: [] })
    })
    const mp = createModelport({ baseUrl: server.url })
    expect(await rejection(mp.infer('simplenet', { inputs: { x: new Float32Array(10) } }))).toBeInstanceOf(
      want,
    )
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) } })
    expect(routes(server)).toEqual([
      'GET /v2/models/simplenet',
      'POST /v2/models/simplenet/infer',
      'GET /v2/models/simplenet',
      'POST /v2/models/simplenet/infer',
    ])
  })

  it('keeps the metadata after a failure that says nothing about it (a 503)', async () => {
    let failures = 1
    const server = await serve((req, res) => {
      if (req.method === 'GET') return json(res, 200, metadata)
      if (failures-- > 0) return json(res, 503, { error: 'loading' })
      json(res, 200, { model_name: 'simplenet', outputs: [] })
    })
    const mp = createModelport({ baseUrl: server.url, maxRetries: 0 })
    expect(await rejection(mp.infer('simplenet', { inputs: { x: new Float32Array(10) } }))).toBeInstanceOf(
      InternalServerError,
    )
    await mp.infer('simplenet', { inputs: { x: new Float32Array(10) } })
    expect(routes(server)).toEqual([
      'GET /v2/models/simplenet',
      'POST /v2/models/simplenet/infer',
      'POST /v2/models/simplenet/infer',
    ])
  })

  it('gives the response beside the result', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, { model_name: 'simplenet', outputs: [] }, { 'x-request-id': 'req-i' }),
    )
    const mp = createModelport({ baseUrl: server.url })
    const { data, response } = await mp
      .infer('simplenet', { inputs: { x: { data: [1], shape: [1], datatype: 'FP32' } } })
      .withResponse()
    expect(data.outputs).toEqual({})
    expect(response.headers.get('x-request-id')).toBe('req-i')
  })
})
