/**
 * `modelport serve` as its own process, as a container runs it: `node dist/cli.js serve` from a production
 * folder, with only the environment it is given (no PATH, no NODE_PATH), its JSON log collected.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface ServeProcess {
  child: ChildProcess
  pid: number
  url: string
  /** Milliseconds from spawn to the first `200` from `/v2/health/ready`. */
  readyMs: number
  /** CPU time the server had used by then (all its threads), which waiting for a core does not inflate. */
  cpuMsAtReady: number
  /** Every log line so far. */
  log(): string
  /** Resident memory now, in bytes (Linux `/proc`). */
  rssBytes(): Promise<number>
  /** Sends `signal` (default SIGTERM) and resolves with the exit code, or the signal that ended it. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>
  exited: Promise<number | NodeJS.Signals>
}

export interface ServeOptions {
  /** The production folder (holding `dist/cli.js`). */
  folder: string
  env?: Record<string, string>
  /** Give up waiting for readiness after this long (default 20 s). */
  timeoutMs?: number
  /** Run as PID 1 of a new PID namespace, as in a container (`unshare`, needs root). */
  pidOne?: boolean
  /** With `pidOne`: the user and group id to run as inside it (the image's is 1000). */
  uid?: number
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** User and system CPU time of a process so far, in ms (Linux `/proc`, 100 ticks a second). */
export async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

export async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kilobytes = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  if (!kilobytes) throw new Error(`no VmRSS for process ${pid}`)
  return Number(kilobytes) * 1024
}

async function onlyChildOf(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(' ')
  if (children.length !== 1 || !children[0]) throw new Error(`process ${pid} has children '${children}'`)
  return Number(children[0])
}

/** Whether `unshare` can make a new PID namespace here. */
export function canRunAsPidOne(): boolean {
  try {
    execFileSync('unshare', ['--pid', '--fork', 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export async function startServeProcess(options: ServeOptions): Promise<ServeProcess> {
  const started = performance.now()
  const command = [process.execPath, join(options.folder, 'dist', 'cli.js'), 'serve']
  const user =
    options.uid === undefined ? [] : ['--setuid', String(options.uid), '--setgid', String(options.uid)]
  const [file, ...args] = options.pidOne
    ? ['unshare', '--pid', '--fork', '--kill-child', ...user, ...command]
    : command
  const child = spawn(file as string, args, {
    cwd: options.folder,
    env: { PORT: '0', HOST: '127.0.0.1', MODELPORT_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | NodeJS.Signals>((done) =>
    child.once('exit', (code, signal) => done(code ?? (signal as NodeJS.Signals))),
  )
  const deadline = started + (options.timeoutMs ?? 20_000)
  let url: string | undefined
  let readyMs: number | undefined
  while (readyMs === undefined) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`modelport serve exited before it was ready:\n${output}`)
    if (performance.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`modelport serve was not ready in time:\n${output}`)
    }
    url ??= /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"listening"/.exec(output)?.[1]
    if (url) {
      const ready = await fetch(`${url}/v2/health/ready`).catch(() => undefined)
      if (ready?.status === 200) readyMs = performance.now() - started
      await ready?.body?.cancel()
    }
    if (readyMs === undefined) await sleep(10)
  }
  // Under `unshare`, the server is the child of the process spawned here.
  const pid = options.pidOne ? await onlyChildOf(child.pid as number) : (child.pid as number)
  const cpuMsAtReady = await cpuMsOf(pid)
  return {
    child,
    pid,
    url: url as string,
    readyMs,
    cpuMsAtReady,
    log: () => output,
    rssBytes: () => rssOf(pid),
    exited,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal)
      return exited
    },
  }
}
