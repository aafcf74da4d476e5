/**
 * fast-check arbitraries for malformed and hostile requests across every endpoint: methods, paths
 * (traversal, encoded bytes, huge names), headers, content types and bodies (garbage bytes, deep
 * nesting, huge numbers, wrong types, prototype-pollution keys, arrays as large as the body limit
 * allows), plus near-valid requests that reach the models, the router and the task pipelines.
 */
import fc from 'fast-check'

export interface HostileRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: Uint8Array<ArrayBuffer> | string
}

const encoder = new TextEncoder()

const datatypes = [
  'BOOL',
  'UINT8',
  'UINT64',
  'INT8',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
  'BF16',
]

/** Printable ASCII only: header values and paths are ByteStrings. */
const ascii = (maxLength: number) => fc.string({ unit: 'grapheme-ascii', maxLength })

const hostileName = fc.oneof(
  fc.constantFrom(
    'simplenet',
    'scale',
    'tiny',
    'silero-vad',
    'ppocr-v4-det',
    'chat',
    'nope',
    '..',
    '.',
    '.hidden',
    '%2e%2e',
    '..%2F..%2Fetc%2Fpasswd',
    '%2F',
    '%00',
    '%ff%fe',
    '%',
    '%zz',
    '__proto__',
    'constructor',
    'prototype',
    'a'.repeat(129),
    'b'.repeat(5000),
    'C:%5Cwindows',
    '~root',
    'stats',
  ),
  fc.webSegment(),
  fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
)

const hostileVersion = fc.oneof(
  fc.constantFrom(
    '1',
    '2',
    '0',
    '-1',
    '01',
    '1e3',
    '99999999999999999999',
    '9'.repeat(19),
    'x',
    '%00',
    '1.5',
  ),
  fc.nat().map(String),
)

const modelPath = fc
  .tuple(
    hostileName,
    fc.option(hostileVersion, { nil: undefined }),
    fc.constantFrom('', '/infer', '/ready', '/stats', '/metadata', '/infer/', '/%2e%2e/infer'),
  )
  .map(
    ([name, version, tail]) =>
      `/v2/models/${name}${version === undefined ? '' : `/versions/${version}`}${tail}`,
  )

const fixedPaths = [
  '/v1/models',
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/ocr',
  '/v1/audio/vad',
  '/v2',
  '/v2/health/live',
  '/v2/health/ready',
  '/v2/models/stats',
  '/v2/repository/index',
  '/docs',
  '/docs/scalar.js',
  '/openapi.json',
  '/metrics',
  '/',
  '//v1//models',
  '/v1/../v2',
  '/v2/models/simplenet/infer?x=%ff',
  '/V1/MODELS',
]

const hostilePath = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...fixedPaths) },
  { weight: 3, arbitrary: modelPath },
  {
    weight: 2,
    arbitrary: fc
      .tuple(hostileName, fc.constantFrom('load', 'unload', 'index', ''))
      .map(([name, action]) => `/v2/repository/models/${name}/${action}`),
  },
  { weight: 1, arbitrary: hostileName.map((name) => `/v1/models/${name}`) },
  { weight: 1, arbitrary: fc.webPath() },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom('..', '.', '%2e%2e', 'v1', 'v2', 'models', '%00'), fc.webSegment()), {
        maxLength: 8,
      })
      .map((parts) => `/${parts.join('/')}`),
  },
)

const query = fc.option(
  fc
    .dictionary(
      fc.constantFrom('threshold', 'min_speech_ms', 'min_silence_ms', 'speech_pad_ms', 'min_confidence', 'x'),
      fc.oneof(
        fc.constantFrom('0', '-1', '1e309', 'NaN', '0.5', '99999999999', '', '%ff'),
        ascii(10).map(encodeURIComponent),
      ),
      { maxKeys: 3 },
    )
    .map((entries) =>
      Object.entries(entries)
        .map(([k, v]) => `${k}=${v}`)
        .join('&'),
    ),
  { nil: '' },
)

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/octet-stream',
    'multipart/form-data; boundary=fuzz',
    'multipart/form-data',
    'application/x-www-form-urlencoded',
    'audio/wav',
    'audio/x-wav',
    'image/png',
    'image/jpeg',
    'image/gif',
    'text/event-stream',
    'application/json; boundary=x',
    '',
    ';;;',
  ),
  ascii(30),
)

const hugeNumber = fc.constantFrom(
  1e308,
  -1e308,
  2 ** 53 + 2,
  -(2 ** 63),
  2 ** 64,
  -0,
  4294967296,
  1e-320,
  0.1,
  Number.MAX_SAFE_INTEGER,
)

/** JSON text that no `JSON.stringify` of a value gives: huge literals, duplicate keys, lone surrogates. */
const oddJsonText = fc.constantFrom(
  '1e400',
  '-1e400',
  '[1e400, -1e400]',
  '{"a":1,"a":2}',
  '"\\ud800"',
  '{"inputs": [{"name": "x", "shape": [1, 10], "datatype": "FP32", "data": [1e400,0,0,0,0,0,0,0,0,0]}]}',
  '{"__proto__": {"polluted": true}, "inputs": []}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '{"model": "tiny", "input": "a", "__proto__": {"dimensions": 2}}',
  '\uFEFF{}',
  'null',
  'true',
  '""',
  '[]',
  '{',
  '',
)

/** Nesting deeper than any recursive walk of the body can survive. */
const deepNesting = fc
  .tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom('array', 'object', 'in-data', 'in-chat'))
  .map(([depth, where]) => {
    const arrays = '['.repeat(depth) + ']'.repeat(depth)
    if (where === 'array') return arrays
    if (where === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    if (where === 'in-data')
      return `{"inputs":[{"name":"x","shape":[1,10],"datatype":"FP32","data":${arrays}}]}`
    return `{"model":"chat","messages":[{"role":"user","content":[{"type":"text","text":${arrays}}]}]}`
  })

/** Keys that pollute prototypes when a body is merged naively, spliced in as JSON text. */
const pollution = fc.constantFrom(
  '',
  '"__proto__":{"polluted":true},',
  '"constructor":{"prototype":{"polluted":true}},',
  '"prototype":{"polluted":true},',
  '"toString":"x","valueOf":1,"hasOwnProperty":null,',
)

const withPollution = <T extends object>(arbitrary: fc.Arbitrary<T>) =>
  fc.tuple(arbitrary, pollution).map(([body, extra]) => {
    const json = JSON.stringify(body)
    return json === '{}' ? `{${extra.slice(0, -1)}}` : `{${extra}${json.slice(1)}`
  })

const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hugeNumber, fc.constant(null))

const tensorData = fc.oneof(
  fc.array(fc.oneof(fc.double(), hugeNumber, fc.integer()), { maxLength: 40 }),
  fc.array(fc.oneof(fc.boolean(), ascii(5), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400')), {
    maxLength: 12,
  }),
  fc.array(fc.array(fc.double(), { maxLength: 10 }), { maxLength: 4 }),
  fc.integer({ min: 10_000, max: 100_000 }).map((n) => new Array(n).fill(0.5)),
  anyValue,
)

const inferInput = fc.record(
  {
    name: fc.oneof(fc.constantFrom('x', 'input', 'state', 'sr', '__proto__', ''), ascii(10)),
    shape: fc.oneof(
      fc.array(fc.oneof(fc.integer({ min: -3, max: 12 }), hugeNumber), { maxLength: 5 }),
      fc.constantFrom([1, 10], [2, 10], [0, 10], [1, 4], [10], [2 ** 31, 2 ** 31], [1e6, 1e6, 1e6]),
      anyValue,
    ),
    datatype: fc.oneof(fc.constantFrom(...datatypes), ascii(8)),
    data: tensorData,
    parameters: fc.dictionary(
      fc.constantFrom('binary_data_size', 'binary_data', 'x'),
      fc.oneof(fc.integer(), fc.boolean(), ascii(3), fc.constant(null)),
      { maxKeys: 2 },
    ),
  },
  { requiredKeys: [] },
)

/** A valid simplenet or scale request, so the ONNX path runs under the fuzz too. */
const validInfer = fc
  .tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom(10, 4),
    fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
  )
  .map(([rows, width, value]) =>
    JSON.stringify({
      id: 'fuzz',
      inputs: [
        { name: 'x', shape: [rows, width], datatype: 'FP32', data: new Array(rows * width).fill(value) },
      ],
    }),
  )

const inferBody = fc.oneof(
  {
    weight: 3,
    arbitrary: withPollution(
      fc.record(
        {
          id: fc.option(anyValue),
          inputs: fc.array(inferInput, { maxLength: 3 }),
          outputs: fc.option(fc.array(fc.record({ name: ascii(6) }), { maxLength: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { weight: 2, arbitrary: validInfer },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: oddJsonText },
)

const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool', 'developer'), ascii(6)),
    content: fc.oneof(
      ascii(40),
      fc.constant(null),
      fc.array(fc.record({ type: fc.constantFrom('text', 'image_url'), text: ascii(10) })),
      anyValue,
    ),
    tool_calls: fc.option(anyValue),
  },
  { requiredKeys: [] },
)

const chatBody = withPollution(
  fc.record(
    {
      model: fc.oneof(fc.constantFrom('chat', 'chat-down', 'nope', 'tiny', ''), hostileName),
      messages: fc.oneof(fc.array(message, { maxLength: 3 }), anyValue),
      stream: fc.oneof(fc.boolean(), anyValue),
      temperature: fc.oneof(fc.double(), hugeNumber),
      max_tokens: fc.oneof(fc.integer(), hugeNumber),
      n: fc.integer({ min: -1, max: 3 }),
      stream_options: fc.option(fc.record({ include_usage: fc.boolean() })),
    },
    { requiredKeys: [] },
  ),
)

const embeddingsBody = withPollution(
  fc.record(
    {
      model: fc.oneof(fc.constantFrom('tiny', 'chat', 'simplenet', 'nope'), hostileName),
      input: fc.oneof(
        ascii(60),
        fc.array(ascii(20), { maxLength: 8 }),
        fc.array(fc.integer(), { maxLength: 8 }),
        fc.array(fc.array(fc.integer({ min: -5, max: 50_000 }), { maxLength: 5 }), { maxLength: 3 }),
        fc.integer({ min: 1000, max: 20_000 }).map((n) => new Array(n).fill('word')),
        fc.constant([]),
        anyValue,
      ),
      dimensions: fc.oneof(fc.integer({ min: -2, max: 40 }), hugeNumber),
      encoding_format: fc.oneof(fc.constantFrom('float', 'base64'), ascii(6)),
    },
    { requiredKeys: [] },
  ),
)

/** A RIFF/WAVE header with any fields, then some sample bytes. */
const wav = fc
  .record({
    format: fc.constantFrom(1, 3, 6, 7, 0, 2, 0xfffe),
    channels: fc.integer({ min: 0, max: 9 }),
    rate: fc.oneof(fc.constantFrom(16000, 8000, 44100, 1, 0, 384001, 2 ** 32 - 1), fc.nat()),
    bits: fc.constantFrom(8, 16, 24, 32, 64, 0, 7, 12),
    dataSize: fc.oneof(fc.integer({ min: 0, max: 4000 }), fc.constant(0xffffffff)),
    samples: fc.uint8Array({ maxLength: 4000 }),
    truncate: fc.boolean(),
  })
  .map(({ format, channels, rate, bits, dataSize, samples, truncate }) => {
    const header = new DataView(new ArrayBuffer(44))
    const tag = (at: number, text: string) => {
      for (let i = 0; i < 4; i++) header.setUint8(at + i, text.charCodeAt(i))
    }
    tag(0, 'RIFF')
    header.setUint32(4, 36 + samples.length, true)
    tag(8, 'WAVE')
    tag(12, 'fmt ')
    header.setUint32(16, 16, true)
    header.setUint16(20, format, true)
    header.setUint16(22, channels, true)
    header.setUint32(24, rate >>> 0, true)
    header.setUint32(28, ((rate * channels * bits) / 8) >>> 0, true)
    header.setUint16(32, (channels * bits) / 8, true)
    header.setUint16(34, bits, true)
    tag(36, 'data')
    header.setUint32(40, dataSize >>> 0, true)
    const out = new Uint8Array(44 + samples.length)
    out.set(new Uint8Array(header.buffer))
    out.set(samples, 44)
    return truncate ? out.slice(0, Math.max(0, out.length - 50)) : out
  })

const multipart = fc
  .tuple(
    fc.constantFrom('audio', 'image', 'min_confidence', 'threshold', '__proto__', ''),
    fc.oneof(fc.uint8Array({ maxLength: 200 }), wav),
    fc.boolean(),
  )
  .map(([field, bytes, asFile]) => {
    const head = encoder.encode(
      `--fuzz\r\nContent-Disposition: form-data; name="${field}"${asFile ? '; filename="f.bin"' : ''}\r\n\r\n`,
    )
    const tail = encoder.encode('\r\n--fuzz--\r\n')
    const out = new Uint8Array(head.length + bytes.length + tail.length)
    out.set(head)
    out.set(bytes, head.length)
    out.set(tail, head.length + bytes.length)
    return out
  })

const ocrBody = fc.oneof(
  fc
    .record(
      {
        image: fc.oneof(
          fc.base64String({ maxLength: 200 }),
          ascii(50),
          fc.constant('data:image/png;base64,'),
          anyValue,
        ),
        min_confidence: fc.oneof(fc.double(), hugeNumber, anyValue),
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body)),
  fc.uint8Array({ maxLength: 3000 }),
  // A PNG signature and IHDR claiming an enormous image, then garbage.
  fc.tuple(fc.nat(), fc.nat(), fc.uint8Array({ maxLength: 100 })).map(([w, h, rest]) => {
    const out = new Uint8Array(33 + rest.length)
    out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
    new DataView(out.buffer).setUint32(16, w)
    new DataView(out.buffer).setUint32(20, h)
    out.set([8, 2, 0, 0, 0], 24)
    out.set(rest, 33)
    return out
  }),
)

const body: fc.Arbitrary<Uint8Array<ArrayBuffer> | string | undefined> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 2, arbitrary: oddJsonText },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 4, arbitrary: inferBody },
  { weight: 3, arbitrary: chatBody },
  { weight: 3, arbitrary: embeddingsBody },
  { weight: 2, arbitrary: ocrBody },
  { weight: 2, arbitrary: wav },
  { weight: 2, arbitrary: multipart },
  {
    weight: 1,
    arbitrary: fc
      .record({ ready: anyValue, parameters: anyValue }, { requiredKeys: [] })
      .map((v) => JSON.stringify(v)),
  },
)

const headers = fc
  .record(
    {
      'content-type': contentType,
      'inference-header-content-length': fc.oneof(
        fc.constantFrom('0', '-1', 'abc', '99999999999', '1e3', ' 5', '0x10'),
        fc.nat({ max: 3000 }).map(String),
      ),
      'x-request-id': fc.oneof(ascii(40), fc.constant('x'.repeat(300))),
      accept: fc.constantFrom('text/event-stream', 'application/json', '*/*', ''),
      authorization: fc.constantFrom('Bearer x', 'Basic Zm9vOmJhcg==', 'Bearer '),
      'content-encoding': fc.constantFrom('gzip', 'br', 'identity'),
    },
    { requiredKeys: [] },
  )
  .map(
    (h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>,
  )

/** Anything anywhere: random method, path, headers and body. */
const anyRequest: fc.Arbitrary<HostileRequest> = fc
  .record({
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constant('POST') },
      { weight: 4, arbitrary: fc.constant('GET') },
      { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
    ),
    path: hostilePath,
    query,
    headers,
    body,
  })
  .map(({ method, path, query, headers, body }) => ({
    method,
    path: query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path,
    headers,
    ...(body !== undefined && method !== 'GET' && method !== 'HEAD' && { body }),
  }))

/** A binary tensor request: a JSON header, its length (true or not) and raw bytes after it. */
const binaryInfer = fc
  .tuple(inferBody, fc.uint8Array({ maxLength: 400 }), fc.option(fc.integer({ min: -2, max: 5000 })))
  .map(([header, bytes, lie]) => {
    const head = encoder.encode(header)
    const out = new Uint8Array(head.length + bytes.length)
    out.set(head)
    out.set(bytes, head.length)
    return { body: out, length: String(lie ?? head.length) }
  })

const servedModel = fc.constantFrom('simplenet', 'scale', 'silero-vad', 'tiny', 'ppocr-mobile-cls')
const servedVersion = fc.option(fc.constantFrom('1', '2', '3'), { nil: undefined })
const versioned = (model: string, version: string | undefined) =>
  `/v2/models/${model}${version === undefined ? '' : `/versions/${version}`}`
const json = { 'content-type': 'application/json' }

/** Requests aimed at one endpoint with the right method: the body is what is hostile. */
const aimedRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(servedModel, servedVersion, inferBody).map(([model, version, body]) => ({
      method: 'POST',
      path: `${versioned(model, version)}/infer`,
      headers: json,
      body,
    })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(servedModel, binaryInfer).map(([model, { body, length }]) => ({
      method: 'POST',
      path: `/v2/models/${model}/infer`,
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': length },
      body,
    })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.oneof({ weight: 5, arbitrary: chatBody }, deepNesting),
        fc.constantFrom(json, { 'content-type': 'text/plain' }, {}),
      )
      .map(([body, headers]) => ({ method: 'POST', path: '/v1/chat/completions', headers, body })),
  },
  {
    weight: 4,
    arbitrary: fc.oneof({ weight: 5, arbitrary: embeddingsBody }, deepNesting, oddJsonText).map((body) => ({
      method: 'POST',
      path: '/v1/embeddings',
      headers: json,
      body,
    })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        ocrBody,
        fc.constantFrom('application/json', 'image/png', 'image/webp', 'multipart/form-data; boundary=fuzz'),
        query,
      )
      .map(([body, type, q]) => ({
        method: 'POST',
        path: `/v1/ocr${q ? `?${q}` : ''}`,
        headers: { 'content-type': type },
        body,
      })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.oneof(wav, multipart, fc.uint8Array({ maxLength: 300 })),
        fc.constantFrom('audio/wav', 'multipart/form-data; boundary=fuzz', 'audio/mpeg'),
        query,
      )
      .map(([body, type, q]) => ({
        method: 'POST',
        path: `/v1/audio/vad${q ? `?${q}` : ''}`,
        headers: { 'content-type': type },
        body,
      })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof(servedModel, hostileName), servedVersion, fc.constantFrom('', '/ready', '/stats'))
      .map(([model, version, tail]) => ({
        method: 'GET',
        path: `${versioned(model, version)}${tail}`,
        headers: {},
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.constantFrom('scale', 'tiny', 'simplenet'), hostileName),
        fc.constantFrom('load', 'load', 'unload'),
        fc.option(body, { nil: undefined }),
      )
      .map(([model, action, payload]) => ({
        method: 'POST',
        path: `/v2/repository/models/${model}/${action}`,
        headers: json,
        ...(payload !== undefined && { body: payload }),
      })),
  },
  {
    weight: 1,
    arbitrary: fc.option(body, { nil: undefined }).map((payload) => ({
      method: 'POST',
      path: '/v2/repository/index',
      headers: json,
      ...(payload !== undefined && { body: payload }),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '/v1/models',
        '/v1/models/simplenet',
        '/v1/models/chat',
        '/v2',
        '/v2/models/stats',
        '/openapi.json',
        '/docs',
        '/v2/health/ready',
      )
      .map((path) => ({ method: 'GET', path, headers: {} })),
  },
)

export const hostileRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  { weight: 7, arbitrary: aimedRequest },
  { weight: 3, arbitrary: anyRequest },
)

/** Requests the server's HTTP layer sees before the app: broken request lines, headers and framing. */
export const malformedWire: string[] = [
  'GARBAGE\r\n\r\n',
  'GET\r\n\r\n',
  'GET / HTTP/9.9\r\n\r\n',
  'GET /v2 HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
  `GET /v2 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
  'POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
  'POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
  'POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"model":',
  'POST /v2/models/simplenet/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{}',
  'POST /v2/models/simplenet/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n{"inputs":',
  'GET /%00%ff/../..%2f HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET http://evil.example/v2 HTTP/1.1\r\nHost: evil.example\r\n\r\n',
  'GET * HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /v2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
  '\x00\x01\x02\x03\r\n\r\n',
]
