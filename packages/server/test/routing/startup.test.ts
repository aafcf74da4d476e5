/** An invalid config stops start-up with a message naming the field, through `startServer` and the CLI. */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../../src/node.js'

let dir: string
const bad = `providers:
  openai: { type: openai-compatible, baseUrl: https://api.openai.com/v1, apiKey: \${OPENAI_API_KEY} }
routes:
  chat-default:
    targets:
      - { provider: openai, model: gpt-4o-mini }
      - { provider: claud, model: claude-haiku-4-5 }
`

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelport-startup-'))
  await writeFile(join(dir, 'bad.yaml'), bad)
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const options = { port: 0, builtins: false, modelsDir: '/nonexistent-modelport-repo' }

describe('start-up with a bad config', () => {
  it('startServer rejects, naming the field and never the key', async () => {
    const error = await startServer({
      ...options,
      configPath: join(dir, 'bad.yaml'),
      env: { OPENAI_API_KEY: 'sk-live-never-print-me-0123' },
    }).catch((caught: Error) => caught)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain(
      "routes.chat-default.targets[1].provider: unknown provider 'claud' (known: local, openai)",
    )
    expect((error as Error).message).not.toContain('never-print-me')
  })

  it('names a missing environment variable', async () => {
    const error = await startServer({ ...options, configPath: join(dir, 'bad.yaml'), env: {} }).catch(
      (caught: Error) => caught,
    )
    expect((error as Error).message).toContain(
      'providers.openai.apiKey: environment variable OPENAI_API_KEY is not set',
    )
  })

  it('names a config file that cannot be read', async () => {
    const error = await startServer({ ...options, configPath: join(dir, 'missing.yaml') }).catch(
      (caught: Error) => caught,
    )
    expect((error as Error).message).toBe(
      `Invalid config ${join(dir, 'missing.yaml')}:\n  - cannot read the file (ENOENT)`,
    )
  })

  it('the CLI exits 1 with the message (MODELPORT_CONFIG)', async () => {
    const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url))
    const run = promisify(execFile)
    const result = await run(process.execPath, ['--import', 'tsx', '--conditions=source', cli, 'serve'], {
      env: {
        ...process.env,
        PORT: '0',
        MODELPORT_MODELS: '/nonexistent-modelport-repo',
        MODELPORT_CONFIG: join(dir, 'bad.yaml'),
        OPENAI_API_KEY: 'sk-live-never-print-me-0123',
      },
      timeout: 20_000,
    }).catch((caught: { code: number; stderr: string; stdout: string }) => caught)
    expect((result as { code: number }).code).toBe(1)
    expect(result.stderr).toContain("routes.chat-default.targets[1].provider: unknown provider 'claud'")
    expect(result.stderr + result.stdout).not.toContain('never-print-me')
  })
})
