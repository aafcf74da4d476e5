/**
 * The binary tensor data extension over HTTP (in-process app, real ONNX Runtime): bodies laid out as
 * the specification says, JSON and binary mixed both ways, and every malformed body a clear 400.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { simplenetReference } from '../../scripts/simplenet.js'
import { appWith, send } from '../support/app.js'
import { fromBytes, readBinaryResponse, toBytes } from '../support/binary.js'
import { assertMatchesContract } from '../support/contract.js'

let app: Awaited<ReturnType<typeof appWith>>['app']
beforeAll(async () => {
  ;({ app } = await appWith({}))
})

const row = [0.5, -1, 2, 0.25, 3, -0.75, 1.5, 0, -2, 4]
const rows = [...row, ...row.map((v) => -v)]
const x = { name: 'x', shape: [2, 10], datatype: 'FP32' }

function post(header: unknown, parts: Uint8Array[], options: { headerLength?: string; pad?: number } = {}) {
  // Spaces after the JSON move the binary part to any byte offset, aligned or not.
  const head = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(options.pad ?? 0))
  const full = new Uint8Array(head.length + parts.reduce((n, p) => n + p.length, 0))
  full.set(head)
  let at = head.length
  for (const p of parts) {
    full.set(p, at)
    at += p.length
  }
  return app.request('http://localhost/v2/models/simplenet/infer', {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': options.headerLength ?? String(head.length),
    },
    body: full,
  })
}

function expectSimplenet(values: number[]) {
  const want = simplenetReference(Float32Array.from(rows), 2)
  expect(values).toHaveLength(20)
  for (const [i, v] of values.entries()) expect(v).toBeCloseTo(want[i] as number, 5)
}

describe('binary tensor data extension', () => {
  it('is advertised in server metadata', async () => {
    const res = await send(app, 'GET', '/v2')
    assertMatchesContract('GET', '/v2', 200, res.body)
    expect((res.body as { extensions: string[] }).extensions).toContain('binary_tensor_data')
  })

  it.each([0, 1, 2, 3])(
    'takes binary inputs and returns binary outputs (binary part at offset +%i)',
    async (pad) => {
      const bytes = toBytes('FP32', rows)
      const response = await post(
        {
          id: 'b-1',
          inputs: [{ ...x, parameters: { binary_data_size: bytes.length } }],
          parameters: { binary_data_output: true },
        },
        [bytes],
        { pad },
      )
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/octet-stream')
      const { header, binary } = await readBinaryResponse(response)
      expect(header).toEqual({
        model_name: 'simplenet',
        model_version: '1',
        id: 'b-1',
        outputs: [{ name: 'y', datatype: 'FP32', shape: [2, 10], parameters: { binary_data_size: 80 } }],
      })
      expectSimplenet(fromBytes('FP32', binary) as number[])
    },
  )

  it('answers a JSON request in binary when an output asks for it', async () => {
    const response = await app.request('http://localhost/v2/models/simplenet/infer', {
      method: 'POST',
      body: JSON.stringify({
        inputs: [{ ...x, data: rows }],
        outputs: [{ name: 'y', parameters: { binary_data: true } }],
      }),
    })
    expect(response.headers.get('content-type')).toBe('application/octet-stream')
    const { header, binary } = await readBinaryResponse(response)
    expect((header.outputs as { parameters: unknown }[])[0]?.parameters).toEqual({ binary_data_size: 80 })
    expectSimplenet(fromBytes('FP32', binary) as number[])
  })

  it('answers plain JSON to binary inputs when no output asks for binary', async () => {
    const bytes = toBytes('FP32', rows)
    const response = await post(
      {
        inputs: [{ ...x, parameters: { binary_data_size: bytes.length } }],
        parameters: { binary_data_output: true },
        outputs: [{ name: 'y', parameters: { binary_data: false } }],
      },
      [bytes],
    )
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('inference-header-content-length')).toBeNull()
    const body = (await response.json()) as { outputs: { data: number[] }[] }
    assertMatchesContract('POST', '/v2/models/{model}/infer', 200, body)
    expectSimplenet(body.outputs[0]?.data ?? [])
  })

  it('mixes a JSON input into a binary request', async () => {
    const response = await post(
      { inputs: [{ ...x, data: rows }], parameters: { binary_data_output: true } },
      [],
    )
    expect(response.status).toBe(200)
    expectSimplenet(fromBytes('FP32', (await readBinaryResponse(response)).binary) as number[])
  })

  const good = toBytes('FP32', rows)
  const sized = (size: number) => [{ ...x, parameters: { binary_data_size: size } }]
  const badBodies: [string, { header: unknown; parts: Uint8Array[]; headerLength?: string; says: RegExp }][] =
    [
      [
        'a header length past the end of the body',
        {
          header: { inputs: sized(80) },
          parts: [good],
          headerLength: '99999',
          says: /Inference-Header-Content-Length/,
        },
      ],
      [
        'a header length that is not a number',
        {
          header: { inputs: sized(80) },
          parts: [good],
          headerLength: 'ten',
          says: /Inference-Header-Content-Length/,
        },
      ],
      [
        'a header that is not JSON',
        { header: { inputs: sized(80) }, parts: [good], headerLength: '5', says: /not valid JSON/ },
      ],
      [
        'too few bytes for the shape',
        { header: { inputs: sized(40) }, parts: [good.subarray(0, 40)], says: /needs 80/ },
      ],
      [
        'a size beyond the body',
        { header: { inputs: sized(800) }, parts: [good], says: /only 80 bytes follow/ },
      ],
      [
        'bytes no input accounts for',
        { header: { inputs: sized(80) }, parts: [good, good], says: /80 bytes after the header/ },
      ],
      [
        'both data and binary_data_size',
        {
          header: { inputs: [{ ...sized(80)[0], data: rows }] },
          parts: [good],
          says: /both data and binary_data_size/,
        },
      ],
      [
        'a negative binary_data_size',
        { header: { inputs: sized(-1) }, parts: [], says: /non-negative integer/ },
      ],
      [
        'an input with neither data nor size',
        { header: { inputs: [x] }, parts: [], says: /neither data nor/ },
      ],
      [
        'binary_data that is not a boolean',
        {
          header: { inputs: sized(80), outputs: [{ name: 'y', parameters: { binary_data: 'yes' } }] },
          parts: [good],
          says: /binary_data must be true or false/,
        },
      ],
    ]

  it.each(badBodies)(
    'refuses %s with a 400 that says what to fix',
    async (_name, { header, parts, headerLength, says }) => {
      const response = await post(header, parts, headerLength === undefined ? {} : { headerLength })
      const body = await response.json()
      expect(response.status).toBe(400)
      assertMatchesContract('POST', '/v2/models/{model}/infer', 400, body)
      expect((body as { error: string }).error).toMatch(says)
    },
  )

  it('refuses binary_data_size in a plain JSON body', async () => {
    const res = await send(app, 'POST', '/v2/models/simplenet/infer', {
      inputs: [{ ...x, data: rows, parameters: { binary_data_size: 80 } }],
    })
    expect(res.status).toBe(400)
    expect((res.body as { error: string }).error).toMatch(/Inference-Header-Content-Length/)
  })
})
