/** `owner/name[@revision]`: which hub repository to pull, and at which branch, tag or commit. */
import { PullError } from './pull-error.js'

export interface PullSpec {
  repo: string
  revision: string
}

const PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/

export function parsePullSpec(text: string): PullSpec {
  const at = text.indexOf('@')
  const repo = at === -1 ? text : text.slice(0, at)
  const revision = at === -1 ? 'main' : text.slice(at + 1)
  const parts = repo.split('/')
  if (parts.length > 2 || !parts.every((part) => PART.test(part) && !part.includes('..'))) {
    throw new PullError(
      `'${text.slice(0, 200)}' is not a hub repository: write owner/name, optionally @revision (e.g. sentence-transformers/all-MiniLM-L6-v2@main).`,
    )
  }
  if (!REVISION.test(revision) || revision.includes('..')) {
    throw new PullError(`'${revision.slice(0, 200)}' is not a revision: use a branch, tag or commit hash.`)
  }
  return { repo, revision }
}
