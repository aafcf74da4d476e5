/**
 * One pull at a time into a model folder: `<models>/.<name>.pull.lock`, created with `open(…, 'wx')`,
 * records who holds it and is touched every few seconds while held. A lock whose owner's pid is gone
 * on this host, or that nobody has touched for `staleMs` (a host that died, a pid reused after a reboot,
 * a process that hangs), is stale and taken over, so a killed pull never blocks the next one for long.
 * The leading dot keeps the file out of the repository scan (folders only) and the watcher (model names only).
 */
import { randomUUID } from 'node:crypto'
import { readlinkSync } from 'node:fs'
import { mkdir, open, readFile, stat, unlink, utimes } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { PullError } from './pull-error.js'

/** What the lock file holds. */
export interface LockOwner {
  pid: number
  host: string
  /** Linux's pid namespace: containers sharing a host name and a volume do not see each other's pids. */
  pidNamespace?: string
  startedAt: string
  /** Tells this holder's lock from one that took its place. */
  token: string
  /** What is being pulled, for the message another pull shows. */
  spec: string
}

export interface PullLockOptions {
  modelsDir: string
  name: string
  spec: string
  /** How long to wait for another pull of the same model to finish (default 10 minutes); 0 fails at once. */
  waitMs?: number
  /** Told when a wait begins and every `noticeMs` while it lasts. */
  onWait?: (message: string) => void
  noticeMs?: number
  pollMs?: number
  /** A lock untouched this long is stale whoever holds it (default 60 s). */
  staleMs?: number
  /** How often the holder touches its lock (default 10 s). */
  refreshMs?: number
}

export interface PullLock {
  path: string
  /** Whether another pull held the lock and this one waited for it. */
  waited: boolean
  /** Throws if another pull took the lock over, taking this one for dead; call before renaming into place. */
  verify(): Promise<void>
  release(): Promise<void>
}

interface Observed {
  mtimeMs: number
  owner: LockOwner | undefined
}

export const DEFAULT_WAIT_MS = 10 * 60_000

export const lockPath = (modelsDir: string, name: string) => join(modelsDir, `.${name}.pull.lock`)

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`

function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid')
  } catch {
    return undefined
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>
    if (typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.token === 'string')
      return owner as LockOwner
  } catch {
    // Empty or half written: its creator is between `open` and `write`, or died there.
  }
  return undefined
}

async function inspect(path: string): Promise<Observed | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)])
    return { mtimeMs: info.mtimeMs, owner: parseOwner(text) }
  } catch (error) {
    ignoreMissing(error as NodeJS.ErrnoException)
    return undefined
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Why the observed lock no longer protects a running pull, or undefined while it does. */
function staleReason({ mtimeMs, owner }: Observed, staleMs: number): string | undefined {
  const age = Date.now() - mtimeMs
  if (age > staleMs) return `untouched for ${seconds(age)}`
  if (owner && owner.host === hostname() && owner.pidNamespace === pidNamespace() && !isRunning(owner.pid))
    return `pid ${owner.pid} is no longer running`
  return undefined
}

function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'its lock is being written'
  const age = Date.now() - Date.parse(owner.startedAt)
  const started = Number.isFinite(age) ? `, started ${seconds(Math.max(age, 0))} ago` : ''
  return `${owner.spec}, pid ${owner.pid} on ${owner.host}${started}`
}

/** Creates the lock holding `owner`; false if it exists already. */
async function create(path: string, owner: LockOwner): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    await handle.writeFile(JSON.stringify(owner))
    await handle.close()
  } catch (error) {
    await handle.close().catch(() => {})
    await unlink(path).catch(() => {})
    throw error
  }
  return true
}

/**
 * Removes a stale lock. Two pulls may find it stale at once: a guard file lets one of them remove it,
 * after checking again that it is still stale, so neither removes a lock the other has just created.
 */
async function takeOver(path: string, staleMs: number): Promise<boolean> {
  const guard = `${path}.takeover`
  try {
    await (await open(guard, 'wx')).close()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // A guard outlives its pull only if that pull died in the few milliseconds it holds one.
    const info = await stat(guard).catch(() => undefined)
    if (info && Date.now() - info.mtimeMs > staleMs) await unlink(guard).catch(ignoreMissing)
    return false
  }
  try {
    const observed = await inspect(path)
    if (observed && staleReason(observed, staleMs)) await unlink(path).catch(ignoreMissing)
  } finally {
    await unlink(guard).catch(ignoreMissing)
  }
  return true
}

function hold(path: string, owner: LockOwner, waited: boolean, refreshMs: number): PullLock {
  let taken: Observed | undefined
  const check = async () => {
    const observed = await inspect(path)
    if (observed?.owner?.token !== owner.token) taken = observed ?? { mtimeMs: 0, owner: undefined }
    return taken === undefined
  }
  const timer = setInterval(() => {
    check()
      .then(async (held) => {
        if (!held) return clearInterval(timer)
        const now = new Date()
        await utimes(path, now, now)
      })
      // A failed touch is tried again on the next tick; if none succeed, the lock goes stale as it should.
      .catch(() => {})
  }, refreshMs)
  // The pull's own I/O keeps the process alive; the lock must not once it is done.
  timer.unref()
  return {
    path,
    waited,
    async verify() {
      if (taken === undefined && (await check())) return
      const by = taken?.owner ? ` by another pull (${describeOwner(taken.owner)})` : ''
      throw new PullError(
        `The lock on this model was taken over${by}, which took this pull for stopped; nothing was renamed into place. Run the command again when no other pull of it is running.`,
      )
    },
    async release() {
      clearInterval(timer)
      const observed = await inspect(path)
      if (observed?.owner?.token === owner.token) await unlink(path).catch(ignoreMissing)
    },
  }
}

/** Takes the pull lock of model `name`, waiting up to `waitMs` for another pull of it to finish. */
export async function acquirePullLock(options: PullLockOptions): Promise<PullLock> {
  const { modelsDir, name } = options
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS
  const pollMs = options.pollMs ?? 500
  const staleMs = options.staleMs ?? 60_000
  const noticeMs = options.noticeMs ?? 30_000
  const path = lockPath(modelsDir, name)
  await mkdir(modelsDir, { recursive: true })
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    pidNamespace: pidNamespace(),
    startedAt: new Date().toISOString(),
    token: randomUUID(),
    spec: options.spec,
  }
  const started = Date.now()
  let waited = false
  let noticed = 0
  for (;;) {
    if (await create(path, owner)) return hold(path, owner, waited, options.refreshMs ?? 10_000)
    const observed = await inspect(path)
    if (!observed) continue
    if (staleReason(observed, staleMs)) {
      if (!(await takeOver(path, staleMs))) await sleep(Math.min(pollMs, 50))
      continue
    }
    const elapsed = Date.now() - started
    const holder = describeOwner(observed.owner)
    if (elapsed >= waitMs) {
      throw new PullError(
        waitMs === 0
          ? `Another modelport pull of ${name} is in progress (${holder}). Run this one again when it has finished, or pass --wait <seconds> to wait for it.`
          : `Another modelport pull of ${name} is still in progress (${holder}) after waiting ${seconds(elapsed)}. Run this one again when it has finished, or with a longer --wait.`,
      )
    }
    if (!waited) {
      options.onWait?.(
        `Another modelport pull of ${name} is in progress (${holder}); waiting up to ${seconds(waitMs)} for it to finish.`,
      )
      noticed = Date.now()
    } else if (Date.now() - noticed >= noticeMs) {
      options.onWait?.(
        `Still waiting for the other pull of ${name} (${seconds(elapsed)} of ${seconds(waitMs)}).`,
      )
      noticed = Date.now()
    }
    waited = true
    await sleep(Math.min(pollMs, waitMs - elapsed))
  }
}
