/** `modelport pull` against a fake hub on loopback: files, checks, resume, tokens and the repository it feeds. */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tinyBertModel, tinyBertTokenizer } from '../../../scripts/tiny-bert.js'
import { PullError, pullModel, terminalProgress } from '../../../src/models/pull/index.js'
import { parsePullSpec } from '../../../src/models/pull/spec.js'
import { ModelRegistry } from '../../../src/models/registry.js'
import { scanRepository } from '../../../src/models/repository.js'
import { onnxLoader } from '../../../src/runtime/onnx/session.js'
import { OnnxLocalEmbeddings } from '../../../src/tasks/embeddings/index.js'
import { scaleModel } from '../../support/models.js'
import { referenceEmbedding } from '../../tasks/embeddings/reference.js'
import { type FakeFile, type FakeHub, type FakeHubOptions, startFakeHub } from './fake-hub.js'

const REPO = 'acme/tiny-bert'
const COMMIT = 'c0ffee0000000000000000000000000000000001'
const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

const model = new Uint8Array(tinyBertModel())
const scale = (factor: number) => new Uint8Array(scaleModel(factor))
const tokenizer = text(tinyBertTokenizer())
const bertFiles: FakeFile[] = [
  { path: 'onnx/model.onnx', bytes: model, lfs: true },
  { path: 'tokenizer.json', bytes: tokenizer },
  { path: 'tokenizer_config.json', bytes: text({ do_lower_case: true, model_max_length: 512 }) },
  { path: 'config.json', bytes: text({ model_type: 'bert', hidden_size: 16 }) },
  {
    path: '1_Pooling/config.json',
    bytes: text({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }),
  },
  { path: 'sentence_bert_config.json', bytes: text({ max_seq_length: 128 }) },
  { path: 'README.md', bytes: text('a model card that is not downloaded') },
]

let hub: FakeHub | undefined
let models: string

async function serve(options: Partial<FakeHubOptions> = {}): Promise<FakeHub> {
  hub = await startFakeHub({
    repo: REPO,
    commit: COMMIT,
    revisions: { main: COMMIT },
    files: bertFiles,
    ...options,
  })
  return hub
}

const pull = (options: Partial<Parameters<typeof pullModel>[0]> = {}) =>
  pullModel({ spec: REPO, modelsDir: models, hubUrl: hub?.url, retries: 0, retryDelayMs: 0, ...options })

beforeEach(async () => {
  models = await mkdtemp(join(tmpdir(), 'modelport-pull-'))
})
afterEach(async () => {
  await hub?.close()
  hub = undefined
  await rm(models, { recursive: true, force: true })
})

describe('pulling a model', () => {
  it('writes the model, tokenizer and config with a model.json that serves embeddings', async () => {
    await serve()
    const result = await pull()
    const dir = join(models, 'tiny-bert')
    expect(result.dir).toBe(dir)
    expect((await readdir(dir)).sort()).toEqual([
      'config.json',
      'model.json',
      'model.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ])
    expect(new Uint8Array(await readFile(join(dir, 'model.onnx')))).toEqual(model)
    expect(new Uint8Array(await readFile(join(dir, 'tokenizer.json')))).toEqual(tokenizer)
    const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'))
    expect(modelJson).toEqual({
      task: 'embeddings',
      pooling: 'cls',
      max_length: 128,
      dimensions: 16,
      source: { hub: hub?.url, repo: REPO, revision: 'main', commit: COMMIT, file: 'onnx/model.onnx' },
    })

    // The pulled folder is a working repository model.
    const scan = await scanRepository(models)
    expect(scan.skipped).toEqual([])
    const registry = new ModelRegistry({ loader: onnxLoader() })
    registry.add(scan.models)
    await registry.loadAll()
    try {
      const local = new OnnxLocalEmbeddings({ registry, readText: (file) => readFile(file, 'utf8') })
      const { vectors } = await local.embed('tiny-bert', ['hello world'])
      const want = referenceEmbedding('hello world', { pooling: 'cls' })
      expect(Math.max(...want.map((v, i) => Math.abs(v - (vectors[0]?.[i] ?? Number.NaN))))).toBeLessThan(
        1e-5,
      )
    } finally {
      await registry.close()
    }
  })

  it('downloads every file from the commit the revision points at', async () => {
    await serve({ revisions: { v1: COMMIT } })
    const result = await pull({ spec: `${REPO}@v1` })
    expect(result.commit).toBe(COMMIT)
    const downloads = hub?.requests.filter((r) => r.server === 'hub' && r.path.includes('/resolve/')) ?? []
    expect(downloads.length).toBeGreaterThan(0)
    for (const request of downloads) expect(request.path).toContain(`/resolve/${COMMIT}/`)
  })

  it('writes task raw for a model without a tokenizer, taking model.onnx at the top or a chosen file', async () => {
    await serve({
      files: [
        { path: 'model.onnx', bytes: scale(2), lfs: true },
        { path: 'onnx/model_quantized.onnx', bytes: scale(3), lfs: true },
      ],
    })
    const top = await pull({ name: 'scale' })
    expect(top.modelJson.task).toBe('raw')
    expect(new Uint8Array(await readFile(join(models, 'scale', 'model.onnx')))).toEqual(scale(2))
    await pull({ name: 'scale-q', file: 'onnx/model_quantized.onnx' })
    expect(new Uint8Array(await readFile(join(models, 'scale-q', 'model.onnx')))).toEqual(scale(3))
    await expect(pull({ name: 'x', file: 'onnx/missing.onnx' })).rejects.toThrow(
      /has no onnx\/missing.onnx: it has model.onnx, onnx\/model_quantized.onnx/,
    )
  })

  it('keeps settings someone wrote into an existing model.json', async () => {
    await serve()
    await mkdir(join(models, 'tiny-bert'))
    await writeFile(
      join(models, 'tiny-bert', 'model.json'),
      JSON.stringify({ task: 'embeddings', pooling: 'mean', max_length: 32 }),
    )
    const result = await pull()
    expect(result.modelJson).toMatchObject({
      task: 'embeddings',
      pooling: 'mean',
      max_length: 32,
      source: { commit: COMMIT },
    })
  })

  it('never leaves a file at its final path before it is complete and checked', async () => {
    const seen: Record<string, string[]> = {}
    await serve({
      onBody: (path) => {
        seen[path] = ['model.onnx', 'tokenizer.json', 'model.json'].filter((f) =>
          existsSync(join(models, 'tiny-bert', f)),
        )
      },
    })
    await pull()
    // model.onnx is renamed last: while anything downloads, none of the final files exist.
    expect(seen).toEqual({
      'onnx/model.onnx': [],
      'tokenizer.json': [],
      'tokenizer_config.json': [],
      'config.json': [],
      '1_Pooling/config.json': [],
      'sentence_bert_config.json': [],
    })
  })
})

describe('resuming', () => {
  it('resumes an interrupted download with a Range request on the next run', async () => {
    await serve({ dropAfter: { 'onnx/model.onnx': 1000 } })
    const final = join(models, 'tiny-bert', 'model.onnx')
    const failure = await pull().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(PullError)
    expect((failure as PullError).message).toMatch(/interrupted.*run the command again to resume/)
    expect(existsSync(final)).toBe(false)
    const partial = (await stat(`${final}.part`)).size
    expect(partial).toBe(1000)

    await pull()
    expect(new Uint8Array(await readFile(final))).toEqual(model)
    expect(existsSync(`${final}.part`)).toBe(false)
    const ranges = hub?.requests.filter((r) => r.server === 'cdn').map((r) => r.range)
    expect(ranges).toEqual([undefined, `bytes=${partial}-`])
  })

  it('resumes within one run when retries are allowed', async () => {
    await serve({ dropAfter: { 'onnx/model.onnx': 500, 'tokenizer.json': 100 } })
    await pull({ retries: 2 })
    expect(new Uint8Array(await readFile(join(models, 'tiny-bert', 'model.onnx')))).toEqual(model)
    expect(new Uint8Array(await readFile(join(models, 'tiny-bert', 'tokenizer.json')))).toEqual(tokenizer)
    // The hub's redirect for the LFS file sees the Range too; the bytes come from the CDN.
    const resumed = hub?.requests.filter((r) => r.range && (r.server === 'cdn' || !r.path.endsWith('.onnx')))
    expect(resumed?.map((r) => `${r.server} ${r.range}`)).toEqual(['cdn bytes=500-', 'hub bytes=100-'])
  })

  it('checks a part that already holds the whole file without downloading it again', async () => {
    await serve()
    await mkdir(join(models, 'tiny-bert'))
    await writeFile(join(models, 'tiny-bert', 'model.onnx.part'), model)
    await pull()
    expect(hub?.requests.filter((r) => r.server === 'cdn')).toEqual([])
    expect(new Uint8Array(await readFile(join(models, 'tiny-bert', 'model.onnx')))).toEqual(model)
  })
})

describe('checks', () => {
  it.each([
    [
      'an LFS file whose sha256 differs',
      'onnx/model.onnx',
      'ab'.repeat(32),
      /sha256 is [0-9a-f]{64}, the hub says (ab){32}/,
    ],
    [
      'a git file whose blob id differs',
      'tokenizer.json',
      'cd'.repeat(20),
      /git blob id is [0-9a-f]{40}, the hub says (cd){20}/,
    ],
  ])('refuses %s and leaves nothing in place', async (_name, path, advertised, message) => {
    await serve({ advertise: { [path]: advertised } })
    await expect(pull()).rejects.toThrow(message)
    const dir = join(models, 'tiny-bert')
    expect(
      (await readdir(dir)).filter(
        (f) => !f.endsWith('.part') || f.startsWith(path.split('/').at(-1) as string),
      ),
    ).toEqual([])
    expect(existsSync(join(dir, 'model.onnx'))).toBe(false)
    expect(existsSync(join(dir, 'model.json'))).toBe(false)
  })

  it('refuses a file whose size differs from what the hub lists', async () => {
    await serve({ sizes: { 'config.json': 3 } })
    await expect(pull()).rejects.toThrow(/config.json: expected 3 bytes, got \d+; the download was removed/)
    expect(existsSync(join(models, 'tiny-bert', 'config.json.part'))).toBe(false)
  })

  it('starts again from a part longer than the file', async () => {
    await serve()
    await mkdir(join(models, 'tiny-bert'))
    // A part longer than the file cannot be resumed: it is started again, and the result checked.
    await writeFile(join(models, 'tiny-bert', 'model.onnx.part'), new Uint8Array(model.length + 10))
    await pull()
    expect(new Uint8Array(await readFile(join(models, 'tiny-bert', 'model.onnx')))).toEqual(model)
  })
})

describe('the token', () => {
  it('is sent to the hub as a bearer token, never to the CDN', async () => {
    await serve({ token: 'hf_secret_token' })
    await pull({ token: 'hf_secret_token' })
    const hubRequests = hub?.requests.filter((r) => r.server === 'hub') ?? []
    const cdnRequests = hub?.requests.filter((r) => r.server === 'cdn') ?? []
    expect(hubRequests.length).toBeGreaterThan(0)
    expect(cdnRequests.length).toBeGreaterThan(0)
    for (const r of hubRequests) expect(r.authorization).toBe('Bearer hf_secret_token')
    for (const r of cdnRequests) expect(r.authorization).toBeUndefined()
  })

  it.each([
    ['without a token', undefined, /refused access to acme\/tiny-bert@main \(401\): set HF_TOKEN/],
    ['with a wrong token', 'hf_wrong_token', /refused access .*HF_TOKEN was sent: check that it can read/],
  ])('is asked for when the hub refuses access %s, and never printed', async (_name, token, message) => {
    await serve({ token: 'hf_secret_token' })
    const error = (await pull({ token }).catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain('hf_')
  })
})

describe('names', () => {
  it.each([
    ['acme/tiny-bert', { repo: 'acme/tiny-bert', revision: 'main' }],
    ['gpt2', { repo: 'gpt2', revision: 'main' }],
    ['acme/tiny-bert@v1.0', { repo: 'acme/tiny-bert', revision: 'v1.0' }],
    ['acme/tiny-bert@refs/pr/1', { repo: 'acme/tiny-bert', revision: 'refs/pr/1' }],
  ])('reads %s', (spec, want) => {
    expect(parsePullSpec(spec)).toEqual(want)
  })

  it.each(['', 'a/b/c', '../etc', 'acme/..', 'acme/tiny bert', 'acme/x@', 'acme/x@../main', '/abs'])(
    'refuses %j',
    (spec) => {
      expect(() => parsePullSpec(spec)).toThrow(PullError)
    },
  )

  it('answers an unknown repository with what to check', async () => {
    await serve()
    await expect(pull({ spec: 'acme/nothing' })).rejects.toThrow(/has no acme\/nothing@main \(404\)/)
  })

  it('refuses a local name that is not a model name', async () => {
    await serve()
    await expect(pull({ name: '../x' })).rejects.toThrow(/not a valid model name: pass --name/)
  })
})

describe('progress', () => {
  const capture = (isTTY: boolean) => {
    let written = ''
    const stream = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          written += String(chunk)
          done()
        },
      }),
      { isTTY, columns: 100 },
    )
    return { stream, output: () => written }
  }

  it('draws bars on a terminal and writes nothing otherwise', async () => {
    await serve()
    const terminal = capture(true)
    const quiet = capture(false)
    const bars = terminalProgress(terminal.stream)
    await pull({ progress: bars })
    bars.stop()
    await rm(join(models, 'tiny-bert'), { recursive: true })
    const none = terminalProgress(quiet.stream)
    await pull({ progress: none })
    none.stop()
    expect(terminal.output()).toContain('onnx/model.onnx')
    expect(terminal.output()).toContain('100%')
    expect(quiet.output()).toBe('')
  })
})

describe('the CLI', () => {
  const run = promisify(execFile)
  const root = fileURLToPath(new URL('../../../', import.meta.url))

  it('pulls with MODELPORT_HUB_URL and HF_TOKEN, prints a summary to stdout and never the token', async () => {
    await serve({ token: 'hf_cli_secret' })
    const env = {
      ...process.env,
      MODELPORT_HUB_URL: hub?.url,
      HF_TOKEN: 'hf_cli_secret',
      MODELPORT_MODELS: models,
    }
    const { stdout, stderr } = await run(join(root, 'node_modules/.bin/tsx'), ['src/cli.ts', 'pull', REPO], {
      cwd: root,
      env,
    })
    expect(stdout).toMatch(
      /^Pulled acme\/tiny-bert@c0ffee000000 into .*tiny-bert: model.onnx \(\d+\.\d [KM]B\), .*tokenizer.json.*; task embeddings\.\n$/,
    )
    expect(stderr).toBe('')
    expect(`${stdout}${stderr}`).not.toContain('hf_cli_secret')
    expect(existsSync(join(models, 'tiny-bert', 'model.onnx'))).toBe(true)
  })

  it('exits 1 with the reason on stderr when the pull fails', async () => {
    await serve({ token: 'hf_cli_secret' })
    const env = {
      ...process.env,
      MODELPORT_HUB_URL: hub?.url,
      HF_TOKEN: 'hf_wrong',
      MODELPORT_MODELS: models,
    }
    const failure = await run(join(root, 'node_modules/.bin/tsx'), ['src/cli.ts', 'pull', REPO], {
      cwd: root,
      env,
    }).catch((error: { code: number; stderr: string }) => error)
    expect(failure).toMatchObject({ code: 1 })
    expect((failure as { stderr: string }).stderr).toMatch(/refused access/)
    expect((failure as { stderr: string }).stderr).not.toContain('hf_wrong')
  })
})
