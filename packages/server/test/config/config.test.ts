/**
 * The config file: YAML or JSON, `${ENV}` interpolation, defaults, and refusals that name the field —
 * including rule 5, embeddings routes whose targets would mix vector spaces.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config/config-error.js'
import { loadConfig } from '../../src/config/load-config.js'
import { memoryEmbeddings } from '../support/vectors.js'

const env = {
  OPENAI_API_KEY: 'sk-live-secret-0123456789',
  ANTHROPIC_API_KEY: 'sk-ant-secret-0123456789',
  HF_TOKEN: 'hf_secret0123456789',
}
const local = memoryEmbeddings({ 'all-minilm-l6-v2': 384, minilm: 384, 'bge-small': 384 }).embeddings

// The example from DESIGN.md, verbatim but for the hf provider it names.
const designExample = `
providers:
  openai: { type: openai-compatible, baseUrl: https://api.openai.com/v1, apiKey: \${OPENAI_API_KEY} }
  claude: { type: anthropic, apiKey: \${ANTHROPIC_API_KEY} }
  hf: { type: huggingface, apiKey: \${HF_TOKEN} }
routes:
  chat-default:
    strategy: fallback            # or loadbalance (weighted)
    targets:
      - { provider: openai, model: gpt-4o-mini }
      - { provider: claude, model: claude-haiku-4-5 }
  minilm:
    targets:
      - { provider: local, model: all-minilm-l6-v2 }
      - { provider: hf, model: sentence-transformers/all-MiniLM-L6-v2 }
`

function issuesOf(text: string, options: Parameters<typeof loadConfig>[1] = {}): string[] {
  try {
    loadConfig(text, { env, localEmbeddings: local, ...options })
  } catch (error) {
    if (error instanceof ConfigError) return error.issues
    throw error
  }
  return []
}

describe('a valid config', () => {
  it('reads the DESIGN.md example, fills defaults and infers each route’s task', () => {
    const config = loadConfig(designExample, { env, localEmbeddings: local, source: 'modelport.yaml' })
    expect(config.providers.openai).toEqual({
      type: 'openai-compatible',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: env.OPENAI_API_KEY,
      headers: undefined,
    })
    expect(config.routes['chat-default']).toMatchObject({
      task: 'chat',
      strategy: 'fallback',
      deadlineMs: 120_000,
    })
    expect(config.routes.minilm).toMatchObject({ task: 'embeddings', dimensions: 384 })
    expect(config.routing.retry.attempts).toBe(2)
  })

  it('reads JSON, by extension or by content', () => {
    const json = JSON.stringify({
      providers: { groq: { type: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1' } },
      routes: {
        fast: { strategy: 'loadbalance', targets: [{ provider: 'groq', model: 'llama', weight: 2 }] },
      },
    })
    expect(loadConfig(json, { source: 'x.json' }).routes.fast?.targets[0]?.weight).toBe(2)
    expect(loadConfig(json).routes.fast?.strategy).toBe('loadbalance')
  })

  it.each([
    [`\${KEY}`, { KEY: 'abc' }, 'abc'],
    [`\${MISSING:-fallback}`, {}, 'fallback'],
    [`pre-\${KEY}-post`, { KEY: 'x' }, 'pre-x-post'],
    [`$\${KEY}`, { KEY: 'x' }, `\${KEY}`],
    [`"\${KEY}"`, { KEY: 'a: "quoted" # not a comment' }, 'a: "quoted" # not a comment'],
  ])('interpolates %s', (value, environment, want) => {
    const text = `providers:\n  p: { type: openai-compatible, baseUrl: "http://h/v1", apiKey: ${value} }\n`
    expect(loadConfig(text, { env: environment }).providers.p?.apiKey).toBe(want)
  })

  it('overrides timing per route', () => {
    const config = loadConfig(
      `providers: { p: { type: openai-compatible, baseUrl: "http://h/v1" } }
routing: { deadlineMs: 5000, retry: { attempts: 3 } }
routes:
  r: { deadlineMs: 700, retry: { maxRetryAfterMs: 10 }, targets: [{ provider: p, model: m }] }`,
    )
    expect(config.routes.r).toMatchObject({
      deadlineMs: 700,
      retry: { attempts: 3, initialDelayMs: 250, maxDelayMs: 2000, maxRetryAfterMs: 10 },
    })
  })
})

it('reads the docs example (docs/routing.md) as written', () => {
  const readme = readFileSync(new URL('../../../../docs/routing.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('# Routes and providers'))
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
  const config = loadConfig(yaml, {
    env: { ...env, GROQ_API_KEY: 'gsk_0123456789' },
    localEmbeddings: local,
    source: 'docs/routing.md',
  })
  expect(Object.keys(config.routes)).toEqual(['chat-default', 'chat-fast', 'minilm'])
  expect(config.routes['chat-fast']).toMatchObject({ strategy: 'loadbalance', deadlineMs: 20000 })
  expect(config.routes.minilm?.task).toBe('embeddings')
})

describe('an invalid config stops start-up, naming the field', () => {
  const provider =
    'providers: { openai: { type: openai-compatible, baseUrl: "https://api.openai.com/v1" } }\n'
  it.each([
    [
      'an unknown provider',
      `${provider}routes: { chat-default: { targets: [{ provider: openai, model: a }, { provider: claud, model: b }] } }`,
      "routes.chat-default.targets[1].provider: unknown provider 'claud' (known: local, openai)",
    ],
    [
      'a missing env var',
      `providers: { openai: { type: anthropic, apiKey: "\${NOPE}" } }`,
      'providers.openai.apiKey: environment variable NOPE is not set',
    ],
    [
      'an unknown type',
      'providers: { x: { type: openia } }',
      "providers.x.type: unknown provider type 'openia'",
    ],
    [
      'a typo in a field',
      'providers: { x: { type: openai-compatible, baseUrl: "http://h", apikey: k } }',
      'providers.x.apikey: unknown field',
    ],
    [
      'a missing base URL',
      'providers: { x: { type: openai-compatible } }',
      'providers.x.baseUrl: is required',
    ],
    [
      'a base URL that is not http(s)',
      'providers: { x: { type: openai-compatible, baseUrl: "ftp://h" } }',
      'providers.x.baseUrl: must be an http(s) URL',
    ],
    [
      'the reserved name local',
      'providers: { local: { type: huggingface } }',
      "providers.local: 'local' is reserved",
    ],
    [
      'a route with no targets',
      `${provider}routes: { r: { targets: [] } }`,
      'routes.r.targets: must be a list of at least one target',
    ],
    [
      'a bad strategy',
      `${provider}routes: { r: { strategy: random, targets: [{ provider: openai, model: m }] } }`,
      'routes.r.strategy: must be one of fallback, loadbalance',
    ],
    [
      'a weight on a fallback route',
      `${provider}routes: { r: { targets: [{ provider: openai, model: m, weight: 2 }] } }`,
      'routes.r.targets[0].weight: weights need strategy: loadbalance',
    ],
    [
      'a negative deadline',
      `${provider}routes: { r: { deadlineMs: -1, targets: [{ provider: openai, model: m }] } }`,
      'routes.r.deadlineMs: must be a number ≥ 1',
    ],
    [
      'a route name that is a path',
      `${provider}routes: { "../x": { targets: [{ provider: openai, model: m }] } }`,
      'routes.../x: a route name uses',
    ],
    [
      'a local embeddings model on a chat route',
      'routes: { r: { task: chat, targets: [{ provider: local, model: minilm }] } }',
      "routes.r.targets[0].model: no local chat model 'minilm' in the model repository",
    ],
    [
      'anthropic for embeddings',
      'providers: { c: { type: anthropic, apiKey: k } }\nroutes: { r: { task: embeddings, targets: [{ provider: c, model: m }] } }',
      'routes.r.targets[0].provider: anthropic serves chat only',
    ],
    [
      'an unknown local model',
      'routes: { r: { targets: [{ provider: local, model: nope }] } }',
      "routes.r.targets[0].model: no local embeddings model 'nope'",
    ],
    ['YAML that does not parse', 'routes: [unclosed', 'not valid YAML'],
  ])('%s', (_name, text, want) => {
    const issues = issuesOf(text)
    expect(
      issues.some((issue) => issue.includes(want)),
      issues.join('\n'),
    ).toBe(true)
  })

  it('reports every problem at once, in one message', () => {
    const error = (() => {
      try {
        loadConfig('providers: { x: { type: nope } }\nroutes: { r: { targets: [] } }\nextra: 1', {
          source: 'c.yaml',
        })
      } catch (caught) {
        return caught as ConfigError
      }
    })()
    expect(error?.issues).toHaveLength(3)
    expect(error?.message).toMatch(/^Invalid config c\.yaml:\n {2}- /)
  })

  it('never quotes a key in its message', () => {
    const text = `providers: { openai: { type: openai-compatible, baseUrl: "\${OPENAI_API_KEY}", apiKey: 42 } }`
    const issues = issuesOf(text)
    expect(issues.length).toBeGreaterThan(0)
    expect(issues.join('\n')).not.toContain(env.OPENAI_API_KEY)
  })
})

describe('rule 5: an embeddings route never mixes vector spaces', () => {
  const providers = `providers:
  openai: { type: openai-compatible, baseUrl: "https://api.openai.com/v1" }
  hf: { type: huggingface }
`
  it.each([
    [
      'different models',
      `${providers}routes: { e: { task: embeddings, targets: [{ provider: local, model: minilm }, { provider: openai, model: text-embedding-3-small }] } }`,
      "routes.e.targets[1]: vector space 'text-embedding-3-small' differs from 'minilm' (targets[0])",
    ],
    [
      'the same model name with different declared dimensions',
      `${providers}routes: { e: { task: embeddings, targets: [{ provider: openai, model: m, dimensions: 256 }, { provider: hf, model: org/m, dimensions: 512 }] } }`,
      'routes.e.targets[1]: gives 512 dimensions where targets[0] gives 256',
    ],
    [
      'a declared size the local model does not give',
      `${providers}routes: { e: { targets: [{ provider: local, model: minilm, dimensions: 768 }] } }`,
      "routes.e.targets[0].dimensions: declared 768 but local model 'minilm' gives 384",
    ],
    [
      'local and remote with a route size that does not match the local model',
      `${providers}routes: { e: { dimensions: 512, targets: [{ provider: local, model: all-minilm-l6-v2 }, { provider: hf, model: sentence-transformers/all-MiniLM-L6-v2 }] } }`,
      "routes.e.targets[0].dimensions: declared 512 but local model 'all-minilm-l6-v2' gives 384",
    ],
  ])('refuses %s', (_name, text, want) => {
    const issues = issuesOf(text)
    expect(
      issues.some((issue) => issue.includes(want)),
      issues.join('\n'),
    ).toBe(true)
  })

  it.each([
    [
      'the same model under two names, declared as one space',
      `${providers}routes: { e: { targets: [{ provider: local, model: minilm, space: all-minilm-l6-v2 }, { provider: hf, model: sentence-transformers/all-MiniLM-L6-v2 }] } }`,
    ],
    [
      'one remote model at two providers',
      `${providers}routes: { e: { task: embeddings, targets: [{ provider: openai, model: text-embedding-3-small, dimensions: 1536 }, { provider: hf, model: openai/text-embedding-3-small }] } }`,
    ],
  ])('accepts %s', (_name, text) => {
    expect(issuesOf(text)).toEqual([])
  })

  it('refuses local targets on a server with no local embeddings', () => {
    const issues = issuesOf('routes: { e: { targets: [{ provider: local, model: minilm }] } }', {
      localEmbeddings: undefined,
    })
    expect(issues).toEqual([
      "routes.e.targets[0].provider: this server has no local embeddings models to serve 'local' targets",
    ])
  })
})
