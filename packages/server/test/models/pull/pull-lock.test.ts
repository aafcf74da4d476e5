/**
 * Two pulls of the same model at once: the second waits (or fails at once with --wait 0), a lock left by a
 * killed pull is taken over, different models pull side by side, and the lock is invisible to the
 * repository scan and the watcher. Real CLI processes where process death matters.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readlinkSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tinyBertModel, tinyBertTokenizer } from '../../../scripts/tiny-bert.js'
import { PullError, pullModel } from '../../../src/models/pull/index.js'
import { acquirePullLock, lockPath } from '../../../src/models/pull/pull-lock.js'
import { scanRepository } from '../../../src/models/repository.js'
import { watchRepository } from '../../../src/models/watch-repository.js'
import { scaleModel } from '../../support/models.js'
import { type FakeHub, type FakeHubOptions, startFakeHub } from './fake-hub.js'

const REPO = 'acme/tiny-bert'
const COMMIT = 'c0ffee0000000000000000000000000000000001'
const model = new Uint8Array(tinyBertModel())
const tokenizer = new TextEncoder().encode(JSON.stringify(tinyBertTokenizer()))
const FINAL = ['model.json', 'model.onnx', 'tokenizer.json']
const root = fileURLToPath(new URL('../../../', import.meta.url))

let hub: FakeHub | undefined
let models: string
/** Gates a test opened in the fake hub; all opened at the end so no response waits forever. */
const gates: (() => void)[] = []
const children: ChildProcess[] = []

function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {}
  const promise = new Promise<void>((done) => {
    open = done
  })
  gates.push(open)
  return { promise, open }
}

async function serve(options: Partial<FakeHubOptions> = {}): Promise<FakeHub> {
  hub = await startFakeHub({
    repo: REPO,
    commit: COMMIT,
    revisions: { main: COMMIT },
    files: [
      { path: 'onnx/model.onnx', bytes: model, lfs: true },
      { path: 'tokenizer.json', bytes: tokenizer },
    ],
    ...options,
  })
  return hub
}

/** Holds the model file's body until `release` settles, calling `reached` when it gets there. */
const holdModel = (reached: () => void, release: Promise<void>) => (path: string) => {
  if (path !== 'onnx/model.onnx') return undefined
  reached()
  return release
}

const pull = (options: Partial<Parameters<typeof pullModel>[0]> = {}) =>
  pullModel({ spec: REPO, modelsDir: models, hubUrl: hub?.url, retries: 0, retryDelayMs: 0, ...options })

const downloads = (path: string) =>
  hub?.requests.filter((r) => r.server === 'hub' && r.path.endsWith(`/resolve/${COMMIT}/${path}`)).length

/** Runs `modelport pull` in its own process (node itself, so its pid is the one holding the lock). */
function cli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'pull', ...args], {
    cwd: root,
    env: { ...process.env, MODELPORT_HUB_URL: hub?.url, MODELPORT_MODELS: models },
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })),
  )
  const stderrMatches = (pattern: RegExp) =>
    new Promise<void>((done, fail) => {
      const look = () => {
        if (pattern.test(stderr)) return done()
        if (child.exitCode !== null) return fail(new Error(`exited without ${pattern}: ${stderr}`))
        setTimeout(look, 20)
      }
      look()
    })
  return { child, exited, stderrMatches }
}

const ourPidNamespace = () => {
  try {
    return readlinkSync('/proc/self/ns/pid')
  } catch {
    return undefined
  }
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((done) => child.on('close', done))
  return child.pid as number
}

async function writeLock(owner: Record<string, unknown> | string, ageMs = 0) {
  const path = lockPath(models, 'tiny-bert')
  await writeFile(path, typeof owner === 'string' ? owner : JSON.stringify(owner))
  const when = new Date(Date.now() - ageMs)
  await utimes(path, when, when)
}

/** Everything in the models folder and the model folder: finished files only, no lock, no part. */
async function leftovers() {
  const dir = join(models, 'tiny-bert')
  return {
    models: (await readdir(models)).sort(),
    model: existsSync(dir) ? (await readdir(dir)).sort() : [],
  }
}

beforeEach(async () => {
  models = await mkdtemp(join(tmpdir(), 'modelport-pull-lock-'))
})
afterEach(async () => {
  for (const open of gates.splice(0)) open()
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
  await hub?.close()
  hub = undefined
  await rm(models, { recursive: true, force: true })
})

describe('two pulls of the same model at once', () => {
  it('the second waits, says so, then takes what the first pulled without downloading it again', async () => {
    const waiting = gate()
    await serve({ onBody: (path) => (path === 'onnx/model.onnx' ? waiting.promise : undefined) })
    const messages: string[] = []
    const first = pull()
    // The first holds the lock before the second asks for it.
    while (!existsSync(lockPath(models, 'tiny-bert'))) await new Promise((done) => setTimeout(done, 5))
    const second = pull({
      onWait: (message) => {
        messages.push(message)
        waiting.open()
      },
    })
    const [one, two] = await Promise.all([first, second])
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatch(
      new RegExp(
        `^Another modelport pull of tiny-bert is in progress \\(acme/tiny-bert, pid ${process.pid} on ${hostname()}, started \\d+ s ago\\); waiting up to 600 s for it to finish\\.$`,
      ),
    )
    expect(one.alreadyPresent).toBeUndefined()
    expect(two).toMatchObject({ alreadyPresent: true, commit: COMMIT, modelJson: one.modelJson })
    expect(two.files).toEqual(one.files)
    expect([downloads('onnx/model.onnx'), downloads('tokenizer.json')]).toEqual([1, 1])
    expect(new Uint8Array(await readFile(join(models, 'tiny-bert', 'model.onnx')))).toEqual(model)
    expect(await leftovers()).toEqual({ models: ['tiny-bert'], model: FINAL })
  })

  it('the second pulls anew after waiting if the first failed, resuming what it left', async () => {
    const waiting = gate()
    await serve({
      dropAfter: { 'tokenizer.json': 100 },
      onBody: (path) => (path === 'onnx/model.onnx' ? waiting.promise : undefined),
    })
    let waited = false
    const first = pull().catch((error: unknown) => error)
    while (!existsSync(lockPath(models, 'tiny-bert'))) await new Promise((done) => setTimeout(done, 5))
    const second = pull({
      onWait: () => {
        waited = true
        waiting.open()
      },
    })
    expect(await first).toBeInstanceOf(PullError)
    const two = await second
    expect(waited).toBe(true)
    expect(two.alreadyPresent).toBeUndefined()
    // The model was whole in its part: checked, not fetched again; the tokenizer resumed.
    expect(downloads('onnx/model.onnx')).toBe(1)
    expect(hub?.requests.filter((r) => r.range).map((r) => `${r.server} ${r.range}`)).toEqual([
      'hub bytes=100-',
    ])
    expect(await leftovers()).toEqual({ models: ['tiny-bert'], model: FINAL })
  })

  it('fails at once with waitMs 0, saying who holds the model, and writes nothing', async () => {
    const waiting = gate()
    const reached = gate()
    await serve({
      onBody: holdModel(reached.open, waiting.promise),
    })
    const first = pull()
    await reached.promise
    const before = await leftovers()
    const error = (await pull({ waitMs: 0 }).catch((e: unknown) => e)) as PullError
    expect(error).toBeInstanceOf(PullError)
    expect(error.message).toMatch(
      /^Another modelport pull of tiny-bert is in progress \(acme\/tiny-bert, pid \d+ on .+, started \d+ s ago\)\. Run this one again when it has finished, or pass --wait <seconds> to wait for it\.$/,
    )
    expect(await leftovers()).toEqual(before)
    waiting.open()
    await first
    expect(await leftovers()).toEqual({ models: ['tiny-bert'], model: FINAL })
  })

  it('gives up after waitMs with a message saying how long it waited', async () => {
    await serve()
    await writeLock({
      pid: process.pid,
      host: hostname(),
      token: 'other',
      spec: REPO,
      startedAt: new Date().toISOString(),
    })
    const started = Date.now()
    const error = (await pull({ waitMs: 1200 }).catch((e: unknown) => e)) as Error
    expect(Date.now() - started).toBeGreaterThanOrEqual(1150)
    expect(error.message).toMatch(
      /^Another modelport pull of tiny-bert is still in progress \(.*\) after waiting 1 s\. Run this one again when it has finished, or with a longer --wait\.$/,
    )
    expect(hub?.requests).toEqual([])
  })

  it('does not make different models wait for each other', async () => {
    const events: string[] = []
    let arrived = 0
    const both = gate()
    await serve({
      files: [
        { path: 'model.onnx', bytes: new Uint8Array(scaleModel(2)), lfs: true },
        { path: 'onnx/model_quantized.onnx', bytes: new Uint8Array(scaleModel(3)), lfs: true },
      ],
      onBody: async (path) => {
        events.push(`body ${path}`)
        if (++arrived === 2) both.open()
        // Bounded, so serialized pulls fail the assertion below instead of the test timing out.
        await Promise.race([both.promise, new Promise((done) => setTimeout(done, 2000))])
      },
    })
    await Promise.all([
      pull({ name: 'scale' }).then(() => events.push('done scale')),
      pull({ name: 'scale-q', file: 'onnx/model_quantized.onnx' }).then(() => events.push('done scale-q')),
    ])
    expect(events.slice(0, 2).every((event) => event.startsWith('body '))).toBe(true)
    expect((await readdir(models)).sort()).toEqual(['scale', 'scale-q'])
  })
})

describe('a lock left behind', () => {
  const now = () => new Date().toISOString()
  it.each([
    [
      'a dead pid on this host',
      async () => ({ pid: await deadPid(), host: hostname(), pidNamespace: ourPidNamespace() }),
      0,
    ],
    ['another host, untouched for two minutes', async () => ({ pid: 1, host: 'elsewhere' }), 120_000],
    [
      'a running pid untouched for two minutes (reused after a reboot)',
      async () => ({ pid: process.pid, host: hostname(), pidNamespace: ourPidNamespace() }),
      120_000,
    ],
  ])('is taken over: %s', async (_name, owner, ageMs) => {
    await serve()
    await writeLock({ ...(await owner()), token: 'gone', spec: REPO, startedAt: now() }, ageMs)
    const messages: string[] = []
    await pull({ waitMs: 0, onWait: (message) => messages.push(message) })
    expect(messages).toEqual([])
    expect(await leftovers()).toEqual({ models: ['tiny-bert'], model: FINAL })
  })

  it('is taken over when empty and old (its pull died before writing it)', async () => {
    await serve()
    await writeLock('', 120_000)
    await pull({ waitMs: 0 })
    expect(await leftovers()).toEqual({ models: ['tiny-bert'], model: FINAL })
  })

  it.each([
    [
      'a running pid on this host',
      { pid: process.pid, host: hostname(), pidNamespace: ourPidNamespace() },
      /pid \d+ on /,
    ],
    [
      'a dead pid on this host name in another pid namespace (another container)',
      { pid: 999_999_999, host: hostname(), pidNamespace: 'pid:[1]' },
      /pid 999999999 on /,
    ],
    ['another host, touched just now', { pid: 1, host: 'elsewhere' }, /pid 1 on elsewhere/],
    ['an empty lock just created', '', /its lock is being written/],
  ])('is respected: %s', async (_name, owner, holder) => {
    await serve()
    await writeLock(
      typeof owner === 'string' ? owner : { ...owner, token: 'live', spec: REPO, startedAt: now() },
    )
    const error = (await pull({ waitMs: 0 }).catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(/^Another modelport pull of tiny-bert is in progress/)
    expect(error.message).toMatch(holder)
    expect(existsSync(lockPath(models, 'tiny-bert'))).toBe(true)
  })

  it('is taken over by one pull at a time when several find it stale at once', async () => {
    let holders = 0
    let most = 0
    // The race is at the takeover itself, so it is run several times.
    for (let round = 0; round < 5; round++) {
      await writeLock({ pid: 1, host: 'elsewhere', token: 'gone', spec: REPO, startedAt: now() }, 120_000)
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          const lock = await acquirePullLock({ modelsDir: models, name: 'tiny-bert', spec: REPO, pollMs: 5 })
          most = Math.max(most, ++holders)
          await new Promise((done) => setTimeout(done, 10))
          holders--
          await lock.release()
        }),
      )
    }
    expect(most).toBe(1)
    expect(await readdir(models)).toEqual([])
  })

  it('is kept fresh while held, and a holder whose lock was taken over renames nothing', async () => {
    const lock = await acquirePullLock({ modelsDir: models, name: 'tiny-bert', spec: REPO, refreshMs: 30 })
    const past = new Date(Date.now() - 120_000)
    await utimes(lock.path, past, past)
    await new Promise((done) => setTimeout(done, 150))
    expect(Date.now() - (await stat(lock.path)).mtimeMs).toBeLessThan(5000)
    await lock.verify()

    const other = { pid: 1, host: 'elsewhere', token: 'theirs', spec: REPO, startedAt: now() }
    await writeFile(lock.path, JSON.stringify(other))
    await expect(lock.verify()).rejects.toThrow(
      /^The lock on this model was taken over by another pull \(acme\/tiny-bert, pid 1 on elsewhere, started \d+ s ago\)/,
    )
    await lock.release()
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toEqual(other)
  })

  it('stops a pull before it renames anything when another took its lock over', async () => {
    const waiting = gate()
    await serve({ onBody: (path) => (path === 'onnx/model.onnx' ? waiting.promise : undefined) })
    const first = pull().catch((error: unknown) => error)
    while (!existsSync(lockPath(models, 'tiny-bert'))) await new Promise((done) => setTimeout(done, 5))
    await writeLock({ pid: 1, host: 'elsewhere', token: 'theirs', spec: REPO, startedAt: now() })
    waiting.open()
    expect(((await first) as Error).message).toMatch(/taken over .* nothing was renamed into place/)
    const dir = await leftovers()
    expect(dir.model.filter((file) => !file.endsWith('.part'))).toEqual([])
  })
})

describe('the CLI', () => {
  it('a second process waits for the first and reports the model already pulled', async () => {
    const waiting = gate()
    const reached = gate()
    await serve({
      onBody: holdModel(reached.open, waiting.promise),
    })
    const first = cli([REPO])
    await reached.promise
    const second = cli([REPO])
    await second.stderrMatches(/Another modelport pull of tiny-bert is in progress/)
    waiting.open()
    const [one, two] = await Promise.all([first.exited, second.exited])
    expect(one).toMatchObject({ code: 0, stderr: '' })
    expect(one.stdout).toMatch(/^Pulled acme\/tiny-bert@c0ffee000000 into .*tiny-bert: model.onnx/)
    expect(two.code).toBe(0)
    expect(two.stderr).toMatch(
      new RegExp(
        `^Another modelport pull of tiny-bert is in progress \\(acme/tiny-bert, pid ${first.child.pid} on ${hostname()}, started \\d+ s ago\\); waiting up to 600 s`,
      ),
    )
    expect(two.stdout).toMatch(
      /^acme\/tiny-bert@c0ffee000000 is already in .*tiny-bert, pulled by the run this one waited for: model.onnx \(\d+\.\d KB\), tokenizer.json/,
    )
    expect(downloads('onnx/model.onnx')).toBe(1)
    expect(await leftovers()).toEqual({ models: ['tiny-bert'], model: FINAL })
  })

  it('with --wait 0 a second process exits 1 at once, saying another pull is in progress', async () => {
    const waiting = gate()
    const reached = gate()
    await serve({
      onBody: holdModel(reached.open, waiting.promise),
    })
    const first = cli([REPO])
    await reached.promise
    const two = await cli([REPO, '--wait', '0']).exited
    expect(two).toMatchObject({ code: 1, stdout: '' })
    expect(two.stderr).toMatch(
      new RegExp(
        `^Another modelport pull of tiny-bert is in progress \\(acme/tiny-bert, pid ${first.child.pid} on `,
      ),
    )
    waiting.open()
    expect((await first.exited).code).toBe(0)
    expect(await leftovers()).toEqual({ models: ['tiny-bert'], model: FINAL })
  })

  it('refuses a --wait that is not a number of seconds', async () => {
    await serve()
    const run = await cli([REPO, '--wait', 'soon']).exited
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^--wait takes a number of seconds \(0 or more\), got 'soon'\./)
  })

  it('a pull killed with SIGKILL leaves a lock the next pull takes over at once, resuming its part', async () => {
    const reached = gate()
    await serve({
      onBody: holdModel(reached.open, new Promise(() => {})),
    })
    const killed = cli([REPO])
    await reached.promise
    // Let the first half of the file reach the part before the process dies.
    const part = join(models, 'tiny-bert', 'model.onnx.part')
    while (!existsSync(part) || (await stat(part)).size === 0)
      await new Promise((done) => setTimeout(done, 10))
    killed.child.kill('SIGKILL')
    expect(await killed.exited).toMatchObject({ signal: 'SIGKILL' })
    const lock = JSON.parse(await readFile(lockPath(models, 'tiny-bert'), 'utf8'))
    expect(lock).toMatchObject({ pid: killed.child.pid, host: hostname(), spec: REPO })
    const partial = (await stat(part)).size

    await hub?.close()
    await serve()
    const messages: string[] = []
    const started = Date.now()
    await pull({ waitMs: 0, onWait: (message) => messages.push(message) })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(messages).toEqual([])
    expect(hub?.requests.filter((r) => r.server === 'cdn').map((r) => r.range)).toEqual([`bytes=${partial}-`])
    expect(new Uint8Array(await readFile(join(models, 'tiny-bert', 'model.onnx')))).toEqual(model)
    expect(await leftovers()).toEqual({ models: ['tiny-bert'], model: FINAL })
  })
})

describe('the repository', () => {
  it('neither lists the lock nor reloads a model for it', async () => {
    await mkdir(join(models, 'other'))
    const reloads: string[] = []
    const watcher = watchRepository(models, (name) => reloads.push(name), { debounceMs: 20 })
    try {
      const lock = await acquirePullLock({ modelsDir: models, name: 'tiny-bert', spec: REPO })
      await writeFile(`${lock.path}.takeover`, '')
      expect(await scanRepository(models)).toEqual({
        models: [],
        skipped: [
          { path: join(models, 'other'), reason: 'no model.onnx in it or in a numeric version folder' },
        ],
      })
      await rm(`${lock.path}.takeover`)
      await lock.release()
      expect(existsSync(lock.path)).toBe(false)
      // A change the watcher does see, so the test cannot pass on a watcher that sees nothing.
      await writeFile(join(models, 'other', 'model.json'), '{}')
      while (reloads.length === 0) await new Promise((done) => setTimeout(done, 10))
      await new Promise((done) => setTimeout(done, 100))
      expect(reloads).toEqual(['other'])
    } finally {
      watcher.close()
    }
  })
})
