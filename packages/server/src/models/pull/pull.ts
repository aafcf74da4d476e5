/**
 * `modelport pull`: an ONNX model, its tokenizer and configuration from a Hugging Face-style hub into
 * the model repository, as `<models>/<name>/model.onnx` beside `tokenizer.json` and a `model.json`.
 * Every file is downloaded to a `.part` file and checked before anything is renamed into place;
 * `model.onnx` is renamed last, so the folder never holds a model without its tokenizer. A lock beside
 * the folder keeps two pulls of the same model from writing the same files at once.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { MODEL_NAME } from '../../lifecycle/model-names.js'
import { alreadyPulled } from './already-pulled.js'
import { downloadPart, type ProgressReporter } from './download.js'
import { DTYPE_FILES, type Dtype } from './dtype.js'
import { Hub, type HubFile, type RepoInfo } from './hub.js'
import { PullError } from './pull-error.js'
import { acquirePullLock, type PullLock } from './pull-lock.js'
import { parsePullSpec } from './spec.js'

export const DEFAULT_HUB_URL = 'https://huggingface.co'

export interface PullOptions {
  /** `owner/name[@revision]`. */
  spec: string
  /** The model repository folder. */
  modelsDir: string
  /** The ONNX file in the hub repository (default `onnx/model.onnx`, else `model.onnx`). */
  file?: string
  /** The variant to pull when no `file` is named: fp32 (the default), fp16, q8 or q4. */
  dtype?: Dtype
  /** The local model name (default: the hub repository's name). */
  name?: string
  hubUrl?: string
  token?: string
  fetch?: typeof fetch
  progress?: ProgressReporter
  /** Attempts after a retryable failure, each resuming where the last stopped (default 3). */
  retries?: number
  /** Wait before retry n is n times this (default 1000 ms). */
  retryDelayMs?: number
  /** Told before each retry, so a person sees why the pull is taking long. */
  onRetry?: (retry: { error: PullError; attempt: number; of: number; delayMs: number }) => void
  /** How long to wait for the hub to start answering each request (default 30 000 ms). */
  responseTimeoutMs?: number
  /** How long to wait for another pull of the same model to finish (default 10 minutes); 0 fails at once. */
  waitMs?: number
  /** Told when this pull starts waiting for another pull of the same model, and now and then while it waits. */
  onWait?: (message: string) => void
}

export interface PullResult {
  name: string
  dir: string
  repo: string
  commit: string
  /** Files written into `dir`, by local name. */
  files: { name: string; bytes: number }[]
  modelJson: Record<string, unknown>
  /** This pull waited for another pull of the model, which left the same commit's files: nothing was downloaded. */
  alreadyPresent?: boolean
}

const ONNX_CANDIDATES = ['onnx/model.onnx', 'model.onnx']
/** Files kept beside the model, when the hub repository has them. */
const COMPANIONS = [
  'tokenizer.json',
  'tokenizer_config.json',
  'config.json',
  'generation_config.json',
  'chat_template.jinja',
]

const quiet: ProgressReporter = { start() {}, advance() {}, finish() {} }

function chooseOnnx(
  info: RepoInfo,
  wanted: string | undefined,
  dtype: Dtype | undefined,
  repo: string,
): HubFile {
  const onnx = [...info.files.keys()].filter((path) => path.endsWith('.onnx'))
  const candidates = dtype ? DTYPE_FILES[dtype] : ONNX_CANDIDATES
  const path = wanted ?? candidates.find((candidate) => info.files.has(candidate))
  const file = path === undefined ? undefined : info.files.get(path)
  if (!file) {
    const listed =
      onnx.length > 0
        ? `it has ${onnx.slice(0, 20).join(', ')}; choose one with --file${dtype ? ' or another --dtype' : ''}`
        : 'it has no .onnx file'
    throw new PullError(`${repo} has no ${wanted ?? candidates.join(' or ')}: ${listed}.`)
  }
  return file
}

/** Whether the pulled tokenizer config carries a chat template: then the model is a chat model. */
async function hasChatTemplate(parts: Map<string, string>): Promise<boolean> {
  if (parts.has('chat_template.jinja')) return true
  const file = parts.get('tokenizer_config.json')
  if (!file) return false
  try {
    return (
      (JSON.parse(await readFile(file, 'utf8')) as { chat_template?: unknown }).chat_template !== undefined
    )
  } catch {
    return false
  }
}

/** Small JSON files read for model.json, not kept (sentence-transformers pooling and length). */
async function readSmallJson(hub: Hub, repo: string, commit: string, info: RepoInfo, path: string) {
  if (!info.files.has(path)) return undefined
  const response = await hub.download(repo, commit, path, 0)
  try {
    return (await response.json()) as Record<string, unknown>
  } catch {
    throw new PullError(`${repo}/${path} is not valid JSON.`)
  }
}

async function describe(
  hub: Hub,
  repo: string,
  commit: string,
  info: RepoInfo,
  hasTokenizer: boolean,
): Promise<Record<string, unknown>> {
  const config: Record<string, unknown> = { task: hasTokenizer ? 'embeddings' : 'raw' }
  if (hasTokenizer) {
    const pooling = await readSmallJson(hub, repo, commit, info, '1_Pooling/config.json')
    if (pooling?.pooling_mode_cls_token === true) config.pooling = 'cls'
    else if (pooling?.pooling_mode_mean_tokens === true) config.pooling = 'mean'
    const sentence = await readSmallJson(hub, repo, commit, info, 'sentence_bert_config.json')
    if (typeof sentence?.max_seq_length === 'number') config.max_length = sentence.max_seq_length
  }
  return config
}

async function withRetries<T>(options: PullOptions, attempt: () => Promise<T>): Promise<T> {
  const retries = options.retries ?? 3
  for (let tried = 0; ; tried++) {
    try {
      return await attempt()
    } catch (error) {
      if (!(error instanceof PullError) || !error.retryable || tried >= retries) throw error
      const delayMs = (options.retryDelayMs ?? 1000) * (tried + 1)
      options.onRetry?.({ error, attempt: tried + 2, of: retries + 1, delayMs })
      await new Promise((done) => setTimeout(done, delayMs))
    }
  }
}

/** Pulls a model from the hub into `<modelsDir>/<name>/`. */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  const { repo, revision } = parsePullSpec(options.spec)
  const name = options.name ?? (repo.split('/').at(-1) as string)
  if (!MODEL_NAME.test(name))
    throw new PullError(
      `'${name}' is not a valid model name: pass --name with letters, digits, '.', '_' or '-'.`,
    )
  const lock = await acquirePullLock({
    modelsDir: options.modelsDir,
    name,
    spec: options.spec,
    waitMs: options.waitMs,
    onWait: options.onWait,
  })
  try {
    return await pullLocked(options, { repo, revision, name }, lock)
  } finally {
    await lock.release()
  }
}

async function pullLocked(
  options: PullOptions,
  { repo, revision, name }: { repo: string; revision: string; name: string },
  lock: PullLock,
): Promise<PullResult> {
  const hub = new Hub({
    url: options.hubUrl ?? DEFAULT_HUB_URL,
    token: options.token,
    fetch: options.fetch,
    responseTimeoutMs: options.responseTimeoutMs,
  })
  const progress = options.progress ?? quiet
  const info = await withRetries(options, () => hub.info(repo, revision))
  if (options.file && options.dtype)
    throw new PullError('Give --file or --dtype, not both: --dtype picks the file by its conventional name.')
  const onnx = chooseOnnx(info, options.file, options.dtype, repo)
  const dir = join(options.modelsDir, name)

  // Local name → hub file. External weights keep their name: the ONNX file refers to them by it.
  const wanted = new Map<string, HubFile>([['model.onnx', onnx]])
  for (const suffix of ['_data', '.data']) {
    const data = info.files.get(`${onnx.path}${suffix}`)
    if (data) wanted.set(basename(data.path), data)
  }
  for (const companion of COMPANIONS) {
    const file = info.files.get(companion)
    if (file) wanted.set(companion, file)
  }
  if (lock.waited) {
    // Parallel jobs asking for the same model: the one that waited takes what the other just pulled.
    const source = { hub: hub.url, repo, commit: info.commit, file: onnx.path }
    const present = await alreadyPulled(dir, wanted, await readExisting(join(dir, 'model.json')), source)
    if (present) return { name, dir, repo, commit: info.commit, ...present, alreadyPresent: true }
  }
  await mkdir(dir, { recursive: true })

  const parts = new Map<string, string>()
  for (const [local, file] of wanted) {
    const target = join(dir, local)
    parts.set(
      local,
      await withRetries(options, () =>
        downloadPart({ hub, repo, commit: info.commit, file, target, progress }),
      ),
    )
  }

  // A tokenizer with a chat template makes a chat model (a decoder); otherwise a tokenizer means embeddings.
  const chat = wanted.has('tokenizer.json') && (await hasChatTemplate(parts))
  const detected = chat
    ? { task: 'chat' }
    : await withRetries(options, () => describe(hub, repo, info.commit, info, wanted.has('tokenizer.json')))
  const hiddenSize = await readHiddenSize(parts.get('config.json'))
  // Known before the model loads, so routes can check vector sizes at start-up.
  if (detected.task === 'embeddings' && hiddenSize !== undefined) detected.dimensions = hiddenSize
  const modelJson = {
    ...detected,
    ...(await readExisting(join(dir, 'model.json'))),
    source: { hub: hub.url, repo, revision, commit: info.commit, file: onnx.path },
  }

  await lock.verify()
  const files: PullResult['files'] = []
  for (const [local, part] of parts) {
    if (local === 'model.onnx') continue
    files.push({ name: local, bytes: (await stat(part)).size })
    await rename(part, join(dir, local))
  }
  const temporary = join(dir, 'model.json.part')
  await writeFile(temporary, `${JSON.stringify(modelJson, null, 2)}\n`)
  await rename(temporary, join(dir, 'model.json'))
  const modelPart = parts.get('model.onnx') as string
  files.unshift({ name: 'model.onnx', bytes: (await stat(modelPart)).size })
  await rename(modelPart, join(dir, 'model.onnx'))
  return { name, dir, repo, commit: info.commit, files, modelJson }
}

/** `hidden_size` from a transformers config.json: the size of the vectors in last_hidden_state. */
async function readHiddenSize(file: string | undefined): Promise<number | undefined> {
  if (!file) return undefined
  try {
    const size = (JSON.parse(await readFile(file, 'utf8')) as { hidden_size?: unknown }).hidden_size
    return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : undefined
  } catch {
    return undefined
  }
}

/** Settings someone wrote into an existing model.json win over what the pull detects. */
async function readExisting(file: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return {}
  }
  try {
    const parsed = JSON.parse(text) as unknown
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // A broken model.json is replaced, not merged.
  }
  return {}
}
