/**
 * Where keys come from: the config file (hashed, with their limits and admin flag), `MODELPORT_API_KEYS`
 * and `MODELPORT_ADMIN_API_KEYS` (plain, hashed at start), and `modelport hash-key`, which prints what the file holds. Bad `auth` sections are refused
 * with the field named, like the rest of the config.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config/config-error.js'
import { loadConfig } from '../../src/config/load-config.js'
import { hashKeyCommand } from '../../src/http/hash-key-command.js'
import { startServer } from '../../src/node.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const fileKey = 'file-key-0123456789abcdef'
const envKey = 'env-key-0123456789abcdef'

function issuesOf(config: unknown): string[] {
  try {
    loadConfig(JSON.stringify(config), { source: 'modelport.json' })
  } catch (error) {
    if (error instanceof ConfigError) return error.issues
    throw error
  }
  return []
}

describe('auth in the config file', () => {
  it('reads hashed keys, their limits and the defaults for keys without their own', () => {
    const config = loadConfig(
      JSON.stringify({
        auth: {
          rpm: 60,
          tpm: 1000,
          publicMetrics: true,
          keys: [
            { name: 'alice', sha256: sha256('a').toUpperCase(), rpm: 5 },
            { name: 'bob', sha256: sha256('b'), admin: true },
          ],
        },
      }),
      { source: 'modelport.json' },
    )
    expect(config.auth).toEqual({
      rpm: 60,
      tpm: 1000,
      publicMetrics: true,
      keys: [
        { name: 'alice', sha256: sha256('a'), rpm: 5, tpm: 1000 },
        { name: 'bob', sha256: sha256('b'), rpm: 60, tpm: 1000, admin: true },
      ],
    })
  })

  it.each([
    [
      'a plain key',
      { keys: [{ name: 'a', key: 'sk-plain' }] },
      [/auth\.keys\[0\]\.key: keys are stored hashed/, /auth\.keys\[0\]\.sha256: is required/],
    ],
    [
      'a short hash',
      { keys: [{ name: 'a', sha256: 'abc' }] },
      [/auth\.keys\[0\]\.sha256: must be 64 hexadecimal digits/],
    ],
    [
      'a name with spaces',
      { keys: [{ name: 'a b', sha256: sha256('x') }] },
      [/auth\.keys\[0\]\.name: a key name uses/],
    ],
    [
      'two keys of one name',
      {
        keys: [
          { name: 'a', sha256: sha256('x') },
          { name: 'a', sha256: sha256('y') },
        ],
      },
      [/auth\.keys\[1\]\.name: 'a' is used by another key/],
    ],
    [
      'one key twice',
      {
        keys: [
          { name: 'a', sha256: sha256('x') },
          { name: 'b', sha256: sha256('x') },
        ],
      },
      [/auth\.keys\[1\]\.sha256: the same key is listed twice/],
    ],
    [
      'a zero limit',
      { rpm: 0, keys: [{ name: 'a', sha256: sha256('x'), tpm: 1.5 }] },
      [/auth\.rpm: must be an integer ≥ 1/, /auth\.keys\[0\]\.tpm: must be an integer ≥ 1/],
    ],
    ['keys not a list', { keys: { a: 1 } }, [/auth\.keys: must be a list/]],
    ['a misspelt field', { publicmetrics: true }, [/auth\.publicmetrics: unknown field/]],
    ['publicMetrics not a boolean', { publicMetrics: 'yes' }, [/auth\.publicMetrics: must be true or false/]],
    [
      'admin not a boolean',
      {
        keys: [
          { name: 'a', sha256: sha256('x') },
          { name: 'b', sha256: sha256('y'), admin: 'yes' },
        ],
      },
      [/^auth\.keys\[1\]\.admin: must be true or false$/],
    ],
  ])('refuses %s, naming the field', (_, auth, want) => {
    const issues = issuesOf({ auth })
    expect(issues).toHaveLength(want.length)
    for (const [i, pattern] of want.entries()) expect(issues[i]).toMatch(pattern)
    expect(issues.join('\n')).not.toContain('sk-plain')
  })
})

describe('a server with keys from the file and the environment', () => {
  it('accepts either, refuses others, and keeps health open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelport-keys-'))
    const configPath = join(dir, 'modelport.yaml')
    await writeFile(configPath, `auth:\n  keys:\n    - { name: ops, sha256: \${OPS_KEY_SHA256} }\n`)
    const server = await startServer({
      port: 0,
      builtins: false,
      modelsDir: join(dir, 'none'),
      configPath,
      env: { OPS_KEY_SHA256: sha256(fileKey) },
      apiKeys: [envKey],
      ocr: false,
      log: { info() {}, warn() {}, error() {} },
    })
    try {
      const get = (path: string, key?: string) =>
        fetch(`${server.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }).then(
          (r) => r.status,
        )
      expect(await get('/v1/models', fileKey)).toBe(200)
      expect(await get('/v1/models', envKey)).toBe(200)
      expect(await get('/v1/models', sha256(fileKey))).toBe(401)
      expect(await get('/v1/models')).toBe(401)
      expect(await get('/metrics')).toBe(401)
      expect(await get('/metrics', envKey)).toBe(200)
      expect(await get('/v2/health/live')).toBe(200)
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('modelport hash-key', () => {
  const run = async (args: string[], stdin = '') => {
    const out: string[] = []
    const err: string[] = []
    const code = await hashKeyCommand(args, {
      stdin: Readable.from([stdin]),
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
    })
    return { code, out, err }
  }

  it('prints the SHA-256 of a key given as an argument', async () => {
    expect(await run([fileKey])).toEqual({ code: 0, out: [sha256(fileKey)], err: [] })
  })

  it('reads the key from stdin when none is given, so it stays out of the shell history', async () => {
    expect((await run([], `${fileKey}\n`)).out).toEqual([sha256(fileKey)])
  })

  it('says how to use it when there is no key', async () => {
    const { code, err } = await run([], '')
    expect(code).toBe(2)
    expect(err[0]).toMatch(/No key given\.\nUsage: modelport hash-key/)
  })
})
