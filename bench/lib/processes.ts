/**
 * Child processes for servers and load: each pinned to a core with `taskset` when it exists (servers on
 * core 0, load generators on core 1), talking to the runner over IPC. Everything listens on 127.0.0.1.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0
const cores = (() => {
  const result = spawnSync('nproc')
  return Number(String(result.stdout).trim()) || 1
})()

/** tsx's loader, found from here so children start from any working directory. */
const tsx = import.meta.resolve('tsx')

/** The core a role runs on, when there are at least two. */
export const pinning = hasTaskset && cores >= 2 ? { server: '0', load: '1' } : undefined

/**
 * Raised priority for the suite's processes when it may (root): other work on a shared machine then
 * delays a sleeping server's wake-up less, which otherwise dominates sub-millisecond latencies.
 */
export const priority =
  process.getuid?.() === 0 && spawnSync('nice', ['-n', '-10', 'true']).status === 0 ? -10 : 0

/**
 * Where a child runs: `server` and `load` each on a core of their own; `any` on every core (a server
 * whose worker threads should use them all).
 */
export type Role = 'server' | 'load' | 'any'

/** The command line that starts `node args` pinned to a role's core at the suite's priority. */
function command(role: Role, args: string[]): [string, string[]] {
  const core = role === 'any' ? undefined : pinning?.[role]
  const pinned = core ? ['taskset', '-c', core, process.execPath, ...args] : [process.execPath, ...args]
  const full = priority ? ['nice', '-n', String(priority), ...pinned] : pinned
  return [full[0] as string, full.slice(1)]
}

export interface Child {
  process: ChildProcess
  /** The first message the child sends (e.g. `{ ready: port }`). */
  ready: Promise<Record<string, unknown>>
  request<T>(message: Record<string, unknown>): Promise<T>
  stop(): Promise<void>
}

/** Every child still running, stopped if the runner is interrupted. */
const running = new Set<ChildProcess>()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL')
    process.exit(130)
  })
}
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** Starts a TypeScript file of this suite as a child process. */
export function startChild(
  file: string,
  options: { role: Role; args?: string[]; env?: Record<string, string>; node?: string[] },
): Child {
  const path = fileURLToPath(new URL(`../${file}`, import.meta.url))
  const node = [...(options.node ?? []), '--import', tsx, path, ...(options.args ?? [])]
  const [program, args] = command(options.role, node)
  const child = spawn(program, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  let next = 0
  let onReady: (value: Record<string, unknown>) => void = () => {}
  let onFail: (error: Error) => void = () => {}
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    onReady = resolve
    onFail = reject
  })
  child.on('message', (message: Record<string, unknown>) => {
    if (typeof message.id === 'number') {
      const waiter = pending.get(message.id)
      pending.delete(message.id)
      if (message.error) waiter?.reject(new Error(String(message.error)))
      else waiter?.resolve(message.result)
    } else onReady(message)
  })
  child.on('exit', (code) => {
    const error = new Error(`${file} exited with code ${code}`)
    onFail(error)
    for (const waiter of pending.values()) waiter.reject(error)
  })
  return {
    process: child,
    ready,
    request<T>(message: Record<string, unknown>) {
      const id = next++
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
        child.send({ ...message, id })
      })
    },
    stop() {
      if (child.exitCode !== null) return Promise.resolve()
      return new Promise((done) => {
        child.once('exit', () => done())
        child.kill('SIGTERM')
      })
    },
  }
}

/** A free port on 127.0.0.1, for servers that cannot report the one they got. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Starts a program that is not part of this suite (on the server core), and waits until `url` answers. */
export async function startExternal(
  args: string[],
  url: string,
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ stop(): Promise<void> }> {
  const [program, rest] = command('server', args)
  const child = spawn(program, rest, { cwd: options.cwd, stdio: 'ignore' })
  running.add(child)
  child.once('exit', () => running.delete(child))
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with code ${child.exitCode}`)
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) })
      break
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`${args.join(' ')} did not answer at ${url}`)
      }
      await new Promise((done) => setTimeout(done, 200))
    }
  }
  return {
    stop: () =>
      child.exitCode !== null
        ? Promise.resolve()
        : new Promise((done) => {
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
  }
}
