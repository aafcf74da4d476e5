/**
 * Runs the suite in a network namespace of its own when it can (Linux, root, `unshare`): only loopback
 * exists there, so no server of the suite (Portkey's gateway binds every interface) is reachable from
 * outside, and nothing the suite starts can reach out. Elsewhere everything still binds 127.0.0.1 only.
 */
import { spawnSync } from 'node:child_process'

const MARK = 'MODELPORT_BENCH_ISOLATED'

export function isolated(): boolean {
  return process.env[MARK] === '1'
}

/** Re-runs this process inside `unshare -n` with loopback up; returns false if that is not possible. */
export function reexecIsolated(): number | undefined {
  if (isolated() || process.platform !== 'linux' || process.getuid?.() !== 0) return undefined
  if (spawnSync('unshare', ['-n', 'true']).status !== 0) return undefined
  const script = 'ip link set lo up && exec "$@"'
  const result = spawnSync(
    'unshare',
    ['-n', 'sh', '-c', script, 'sh', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, [MARK]: '1' } },
  )
  return result.status ?? 1
}
