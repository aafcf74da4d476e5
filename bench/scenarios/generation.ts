/**
 * (f) Local text generation: decode tokens/s and time to first token for decoders with the real shapes
 * of SmolLM2-135M and Qwen2.5-0.5B (random weights, written here), modelport's chat endpoint against
 * transformers.js on the same files, both on one intra-op thread; concurrency 1 and 4; and the
 * gateway's latency (a health check) and event-loop delay while a generation and a 2,000-token
 * prefill run.
 *
 *   pnpm --dir bench exec tsx --conditions=source scenarios/generation.ts [--only smol-fp32,smol-q8,qwen-q8] [--tokens 24] [--rounds 3]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { writeChatModelFolder } from '../../packages/server/scripts/chat-model-folder.ts'
import { chatPromptIds } from '../../packages/server/scripts/chat-prompt.ts'
import { type DecoderShape, QWEN25_05B, SMOLLM2_135M } from '../../packages/server/scripts/decoder-model.ts'
import { startServer } from '../../packages/server/src/node.ts'

type Dtype = 'fp32' | 'q8'
interface Variant {
  name: string
  shape: DecoderShape
  dtype: Dtype
}

const VARIANTS: Variant[] = [
  { name: 'smol-fp32', shape: SMOLLM2_135M, dtype: 'fp32' },
  { name: 'smol-q8', shape: SMOLLM2_135M, dtype: 'q8' },
  // Qwen2.5-0.5B in fp32 is 2.5 GB with an untied lm_head: over protobuf's 2 GB for one file.
  { name: 'qwen-q8', shape: QWEN25_05B, dtype: 'q8' },
]

export interface GenerationFigures {
  /** Median ms to the first token of a 128-token prompt. */
  ttftMs: number
  /** Tokens/s after the first, one request. */
  decodeTps: number
  /** Completion tokens/s over four requests at once, from start to the last one's end. */
  concurrent4Tps: number
}

export interface GenerationResults {
  variants: Record<
    string,
    {
      modelport: GenerationFigures
      transformersJs: GenerationFigures
      /** Health-check latency (ms) at rest, during a decode and during a 2,000-token prefill; event-loop delay p99 (ms) during the prefill. */
      gateway: { idleP99: number; decodingP99: number; prefillP99: number; prefillLoopDelayP99: number }
    }
  >
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] as number

const SENTENCE = 'the cat sat on the mat. '

/** A user message whose chat prompt is `tokens` long (give or take a sentence) with the test tokenizer. */
function promptBuilder(promptIds: (content: string) => number[]): (tokens: number) => string {
  const empty = promptIds('').length
  const perSentence = (promptIds(SENTENCE.repeat(20)).length - empty) / 20
  return (tokens) => SENTENCE.repeat(Math.max(1, Math.round((tokens - empty) / perSentence)))
}
let promptOf: (tokens: number) => string = () => SENTENCE

function modelFolder(root: string, variant: Variant): string {
  const dir = join(root, variant.name)
  if (!existsSync(join(dir, 'tokenizer_config.json'))) {
    writeChatModelFolder(dir, { shape: variant.shape, dtype: variant.dtype, seed: 7 })
    // A token id no random logits favour ends nothing early: every run decodes the tokens it asks for.
    writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: [], bos_token_id: 1 }))
  }
  // max_batch named, so the q8 files (activations quantized per tensor, unbatched by default) batch too.
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify({ queue: { max_active: 4, max_queue: 8, max_batch: 4 } }),
  )
  return dir
}

interface Implementation {
  /** Ms to the first token of a prompt, as the client sees it. */
  ttft(content: string): Promise<number>
  /** Tokens and the seconds they took after the first. */
  decode(content: string, tokens: number): Promise<{ tokens: number; seconds: number }>
  /** Completion tokens of one request. */
  complete(content: string, tokens: number): Promise<number>
  close(): Promise<void>
}

async function modelport(root: string, variant: Variant) {
  const server = await startServer({
    port: 0,
    modelsDir: root,
    builtins: false,
    ocr: false,
    metrics: false,
    log: { info() {}, warn() {}, error() {} },
  })
  const stream = async (content: string, maxTokens: number) => {
    const started = performance.now()
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: variant.name,
        messages: [{ role: 'user', content }],
        max_tokens: maxTokens,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
      }),
    })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    let first: number | undefined
    let text = ''
    while (true) {
      const { done, value } = await reader.read()
      if (done) break
      first ??= performance.now()
      text += new TextDecoder().decode(value)
    }
    const usage = /"completion_tokens":(\d+)/.exec(text)
    return { started, first: first as number, end: performance.now(), completion: Number(usage?.[1] ?? 0) }
  }
  await stream('warm up', 4)
  const implementation: Implementation = {
    ttft: async (content) => {
      const run = await stream(content, 1)
      return run.first - run.started
    },
    decode: async (content, tokens) => {
      const run = await stream(content, tokens)
      return { tokens: run.completion - 1, seconds: (run.end - run.first) / 1000 }
    },
    complete: async (content, tokens) => (await stream(content, tokens)).completion,
    close: () => server.close(),
  }

  /** Health-check latency at rest, during a decode and during a long prefill, and loop delay then. */
  const gateway = async (tokens: number) => {
    const health = async (until: () => boolean) => {
      const times: number[] = []
      while (!until() || times.length < 20) {
        const t = performance.now()
        await (await fetch(`${server.url}/v2/health/live`)).arrayBuffer()
        times.push(performance.now() - t)
        if (times.length >= 400) break
      }
      return times
    }
    let busy = false
    const idle = await health(() => true)
    busy = true
    const decoding = stream('Hello', tokens).finally(() => {
      busy = false
    })
    const duringDecode = await health(() => !busy)
    await decoding
    busy = true
    const delay = monitorEventLoopDelay({ resolution: 1 })
    delay.enable()
    const prefill = stream(promptOf(2000), 1).finally(() => {
      busy = false
    })
    const duringPrefill = await health(() => !busy)
    await prefill
    delay.disable()
    return {
      idleP99: percentile(idle, 0.99),
      decodingP99: percentile(duringDecode, 0.99),
      prefillP99: percentile(duringPrefill, 0.99),
      prefillLoopDelayP99: delay.percentile(99) / 1e6,
    }
  }
  return { implementation, gateway }
}

async function transformersJs(root: string, variant: Variant, promptIds: (content: string) => number[]) {
  const { AutoModelForCausalLM, BaseStreamer, Tensor, env } = await import('@huggingface/transformers')
  env.allowRemoteModels = false
  env.localModelPath = `${root}/`
  const model = await AutoModelForCausalLM.from_pretrained(variant.name, {
    dtype: variant.dtype,
    device: 'cpu',
    session_options: { intraOpNumThreads: 1, interOpNumThreads: 1 },
  })
  class Timing extends BaseStreamer {
    readonly times: number[] = []
    calls = 0
    override put() {
      // The first call carries the prompt; each later one a new token.
      if (this.calls++ > 0) this.times.push(performance.now())
    }
    override end() {}
  }
  const generate = async (content: string, maxTokens: number) => {
    const ids = promptIds(content)
    const inputIds = new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length])
    const mask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length])
    const streamer = new Timing()
    const started = performance.now()
    await model.generate({
      input_ids: inputIds,
      attention_mask: mask,
      max_new_tokens: maxTokens,
      min_new_tokens: maxTokens,
      do_sample: false,
      // Its type asks for a TextStreamer; a BaseStreamer is what it calls.
      streamer: streamer as never,
    })
    return { started, times: streamer.times, end: performance.now() }
  }
  await generate('warm up', 4)
  const implementation: Implementation = {
    ttft: async (content) => {
      const run = await generate(content, 1)
      return (run.times[0] ?? run.end) - run.started
    },
    decode: async (content, tokens) => {
      const run = await generate(content, tokens)
      return {
        tokens: run.times.length - 1,
        seconds: ((run.times.at(-1) as number) - (run.times[0] as number)) / 1000,
      }
    },
    complete: async (content, tokens) => (await generate(content, tokens)).times.length,
    close: async () => {
      await model.dispose()
    },
  }
  return implementation
}

const TTFT_SAMPLES = 5

/** Each figure measured for both implementations in turn, `rounds` times, medians kept. */
async function sideBySide(
  implementations: Record<'modelport' | 'transformersJs', Implementation>,
  tokens: number,
  rounds: number,
): Promise<Record<'modelport' | 'transformersJs', GenerationFigures>> {
  const runs = {
    modelport: { ttft: [] as number[], decode: [] as number[], c4: [] as number[] },
    transformersJs: { ttft: [] as number[], decode: [] as number[], c4: [] as number[] },
  }
  const names = ['modelport', 'transformersJs'] as const
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so neither always runs on the warmer machine.
    const order: readonly (typeof names)[number][] = round % 2 === 0 ? names : [...names].reverse()
    // A first token is cheap to measure and the figure most shaken by other work on the machine:
    // several samples a round, the two taking turns sample by sample.
    for (let sample = 0; sample < TTFT_SAMPLES; sample++)
      for (const name of order) runs[name].ttft.push(await implementations[name].ttft(promptOf(128)))
    for (const name of order) {
      const { tokens: n, seconds } = await implementations[name].decode('Hello', tokens)
      runs[name].decode.push(n / seconds)
    }
    for (const name of order) {
      const started = performance.now()
      const counts = await Promise.all(
        Array.from({ length: 4 }, () => implementations[name].complete('Hello', tokens)),
      )
      runs[name].c4.push(counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000))
    }
  }
  const figures = (name: (typeof names)[number]) => ({
    ttftMs: median(runs[name].ttft),
    decodeTps: median(runs[name].decode),
    concurrent4Tps: median(runs[name].c4),
  })
  return { modelport: figures('modelport'), transformersJs: figures('transformersJs') }
}

export async function generation(
  options: { only?: string[]; tokens?: number; rounds?: number; log?: (line: string) => void } = {},
): Promise<GenerationResults> {
  const log = options.log ?? ((line: string) => console.error(line))
  const tokens = options.tokens ?? 24
  const rounds = options.rounds ?? 3
  const root = join(tmpdir(), 'modelport-bench-generation')
  mkdirSync(root, { recursive: true })
  const promptIds = chatPromptIds()
  promptOf = promptBuilder(promptIds)
  log(
    `generation: a 128-token prompt is ${promptIds(promptOf(128)).length} tokens, the long one ${promptIds(promptOf(2000)).length}`,
  )
  const results: GenerationResults = { variants: {} }
  for (const variant of VARIANTS.filter((v) => !options.only || options.only.includes(v.name))) {
    // Each variant in a repository of its own, so one server loads one model.
    const repository = join(root, `repo-${variant.name}`)
    mkdirSync(repository, { recursive: true })
    log(`generation: writing ${variant.name} (if not there yet)`)
    modelFolder(repository, variant)
    log(`generation: ${variant.name} loading both`)
    const ours = await modelport(repository, variant)
    const theirs = await transformersJs(repository, variant, promptIds)
    try {
      const figures = await sideBySide(
        { modelport: ours.implementation, transformersJs: theirs },
        tokens,
        rounds,
      )
      const gateway = await ours.gateway(tokens * 2)
      results.variants[variant.name] = { ...figures, gateway }
    } finally {
      await ours.implementation.close()
      await theirs.close()
    }
    log(`generation: ${variant.name} ${JSON.stringify(results.variants[variant.name])}`)
  }
  return results
}

/** The scenario's table: each figure for both, and modelport's over transformers.js. */
export function generationReport(results: GenerationResults): string {
  const lines = [
    'Local generation (one intra-op thread each; random weights of the real shapes)',
    'variant     | TTFT128 ms mp / tjs (ratio) | decode tok/s mp / tjs (ratio) | c=4 tok/s mp / tjs | c4/c1 mp | health p99 ms idle / decode / prefill | loop p99 ms prefill',
  ]
  const f = (n: number) => n.toFixed(1)
  for (const [name, r] of Object.entries(results.variants)) {
    const m = r.modelport
    const t = r.transformersJs
    lines.push(
      `${name.padEnd(11)} | ${f(m.ttftMs)} / ${f(t.ttftMs)} (${(m.ttftMs / t.ttftMs).toFixed(2)}) | ${f(m.decodeTps)} / ${f(t.decodeTps)} (${(m.decodeTps / t.decodeTps).toFixed(2)}) | ${f(m.concurrent4Tps)} / ${f(t.concurrent4Tps)} | ${(m.concurrent4Tps / m.decodeTps).toFixed(2)} | ${f(r.gateway.idleP99)} / ${f(r.gateway.decodingP99)} / ${f(r.gateway.prefillP99)} | ${f(r.gateway.prefillLoopDelayP99)}`,
    )
  }
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, tokens: { type: 'string' }, rounds: { type: 'string' } },
  })
  const results = await generation({
    only: values.only?.split(','),
    tokens: values.tokens ? Number(values.tokens) : undefined,
    rounds: values.rounds ? Number(values.rounds) : undefined,
  })
  console.log(generationReport(results))
  const dir = new URL('../results/', import.meta.url)
  mkdirSync(dir, { recursive: true })
  // A run of some variants (--only) keeps the others' last figures.
  const file = new URL('generation-latest.json', dir)
  const previous: GenerationResults = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8'))
    : { variants: {} }
  const merged = { variants: { ...previous.variants, ...results.variants } }
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`)
}
