/**
 * The few endpoints of a Hugging Face-style hub that a pull needs: the file list of a revision
 * (`/api/models/<repo>/revision/<rev>?blobs=true`) and file downloads (`/<repo>/resolve/<commit>/<path>`),
 * following redirects by hand so the token never travels to another origin (LFS files live on a CDN).
 */
import { networkCause } from './network-cause.js'
import { PullError } from './pull-error.js'

export interface HubFile {
  path: string
  size?: number
  /** sha256 of the content, for LFS files. */
  sha256?: string
  /** The git blob id (sha1 of `blob <size>\0<content>`), for files stored in git itself. */
  blobId?: string
}

export interface RepoInfo {
  /** The commit the revision points at; downloads use it, so every file comes from the same commit. */
  commit: string
  files: Map<string, HubFile>
}

export interface HubOptions {
  /** Hub base URL (default https://huggingface.co). */
  url: string
  /** Access token, sent as a bearer token to the hub's own origin only. */
  token?: string
  fetch?: typeof fetch
  /** How long to wait for the hub to start answering a request (default 30 000 ms). */
  responseTimeoutMs?: number
}

/** Said with every failure to reach the hub: where it was looked for, and how to do without it. */
export const HUB_HINT =
  'Check MODELPORT_HUB_URL (a mirror works) and the network. Offline, put the model in the repository yourself: <MODELPORT_MODELS>/<name>/model.onnx, with model.json beside it.'

interface Sibling {
  rfilename?: unknown
  size?: unknown
  blobId?: unknown
  lfs?: { sha256?: unknown; size?: unknown } | null
}

const MAX_REDIRECTS = 5
const SHA256 = /^[0-9a-f]{64}$/
const SHA1 = /^[0-9a-f]{40}$/

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/')

export class Hub {
  readonly #base: URL
  readonly #token: string | undefined
  readonly #fetch: typeof fetch
  readonly #responseTimeoutMs: number

  constructor(options: HubOptions) {
    this.#responseTimeoutMs = options.responseTimeoutMs ?? 30_000
    this.#base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`)
    this.#token = options.token
    this.#fetch = options.fetch ?? globalThis.fetch
  }

  /** Where the hub lives, for messages and model.json. */
  get url(): string {
    return this.#base.href.replace(/\/$/, '')
  }

  async info(repo: string, revision: string): Promise<RepoInfo> {
    const url = new URL(`api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`, this.#base)
    const response = await this.request(url, {})
    if (!response.ok) throw await this.#failure(response, `${repo}@${revision}`)
    const body = (await response.json()) as { sha?: unknown; siblings?: Sibling[] }
    if (typeof body.sha !== 'string' || !Array.isArray(body.siblings))
      throw new PullError(
        `The hub at ${this.url} answered the file list of ${repo} without 'sha' and 'siblings'.`,
      )
    const files = new Map<string, HubFile>()
    for (const sibling of body.siblings) {
      if (typeof sibling.rfilename !== 'string') continue
      const file: HubFile = { path: sibling.rfilename }
      const size = sibling.lfs?.size ?? sibling.size
      if (typeof size === 'number') file.size = size
      if (typeof sibling.lfs?.sha256 === 'string' && SHA256.test(sibling.lfs.sha256))
        file.sha256 = sibling.lfs.sha256
      else if (typeof sibling.blobId === 'string' && SHA1.test(sibling.blobId)) file.blobId = sibling.blobId
      files.set(file.path, file)
    }
    return { commit: body.sha, files }
  }

  /** Opens a file of a commit, from byte `offset` on. The caller reads or cancels the body. */
  async download(repo: string, commit: string, path: string, offset: number): Promise<Response> {
    const url = new URL(`${repo}/resolve/${encodeURIComponent(commit)}/${encodePath(path)}`, this.#base)
    const response = await this.request(url, offset > 0 ? { range: `bytes=${offset}-` } : {})
    if (response.ok || response.status === 416) return response
    throw await this.#failure(response, `${repo}/${path}`)
  }

  /** GET with redirects followed by hand; the token goes only to the hub's origin. */
  async request(url: URL, headers: Record<string, string>): Promise<Response> {
    let current = url
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const sent: Record<string, string> = { 'user-agent': 'modelport', ...headers }
      if (this.#token && current.origin === this.#base.origin) sent.authorization = `Bearer ${this.#token}`
      let response: Response
      // Until the response starts, not for the whole body: a large download may take long.
      const waiting = new AbortController()
      const timer = setTimeout(() => waiting.abort(), this.#responseTimeoutMs)
      try {
        response = await this.#fetch(current, { headers: sent, redirect: 'manual', signal: waiting.signal })
      } catch (error) {
        const why = waiting.signal.aborted
          ? `no answer in ${this.#responseTimeoutMs / 1000} s`
          : networkCause(error)
        throw new PullError(`Could not reach the hub at ${current.origin} (${why}).`, true, HUB_HINT)
      } finally {
        clearTimeout(timer)
      }
      const location = response.headers.get('location')
      if (response.status < 300 || response.status >= 400 || !location) return response
      await response.body?.cancel()
      current = new URL(location, current)
    }
    throw new PullError(`The hub redirected more than ${MAX_REDIRECTS} times for ${url.pathname}.`)
  }

  async #failure(response: Response, what: string): Promise<PullError> {
    await response.body?.cancel()
    const status = response.status
    if (status === 401 || status === 403) {
      const hint = this.#token
        ? 'HF_TOKEN was sent: check that it can read this repository'
        : 'set HF_TOKEN to a token that can read it'
      return new PullError(`The hub refused access to ${what} (${status}): ${hint}.`)
    }
    if (status === 404)
      return new PullError(
        `The hub has no ${what} (404). Check the name and revision; private or gated repositories need HF_TOKEN.`,
      )
    return new PullError(`The hub answered ${status} for ${what}.`, status === 429 || status >= 500)
  }
}
