import { statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { AwsCredentials } from './aws-credentials.js';
import { profileFromIni } from './aws-credentials.js';

/**
 * How often (at most) a request looks at whether the shared credentials file changed: one async stat in the
 * background, never awaited by the request. `aws sso login`, `aws configure export-credentials` or a
 * credential_process wrapper rewrite the file when session keys are renewed; within this long the gateway signs
 * with the new ones.
 */
const CHECK_INTERVAL_MS = 2_000;
/**
 * After a refusal made the file be read again, how long another refusal is taken as final (no re-read, no
 * retry): the keys in the file are then what the upstream refuses (a missing permission, a file not yet
 * rotated), and reading it per refused request would put disk I/O on every request.
 */
const REFUSAL_FINAL_MS = 60_000;

/** The file's identity and version, without reading it: a rewrite or a rename over it changes one of these. */
type Stamp = string;
const stampOf = (s: { ino: number; size: number; mtimeMs: number }): Stamp => `${s.ino}:${s.size}:${s.mtimeMs}`;

/**
 * A shared profile's SigV4 keys, kept current without disk I/O on the request path. The file is read when the
 * config is applied; afterwards a request at most every CHECK_INTERVAL_MS starts a background stat, and the
 * file is read again only when it changed. A request the upstream refuses (403 ExpiredToken after a rotation
 * the stat has not seen yet) has the file read at once, and is sent once more with what it holds. A file
 * caught half-written, or without the profile's keys, leaves the keys in use as they are.
 */
export class ProfileCredentials {
  private current: AwsCredentials;
  private stamp: Stamp | undefined;
  private checkAfter: number;
  private checking = false;
  private rereading: Promise<void> | undefined;
  private refusalFinalUntil = 0;

  constructor(
    private readonly file: string,
    private readonly profile: string,
    initial: AwsCredentials,
    private readonly now: () => number,
    /** Told each set of keys read after the first (a new session token must be redacted like the old one). */
    private readonly onRotated: (credentials: AwsCredentials) => void,
  ) {
    this.current = initial;
    this.checkAfter = now() + CHECK_INTERVAL_MS;
    try {
      // At config apply, beside the synchronous read of the file itself; never on a request.
      this.stamp = stampOf(statSync(file));
    } catch {
      this.stamp = undefined;
    }
  }

  /** The keys to sign with: at once, unless a refusal is having the file read again. */
  credentials(): AwsCredentials | Promise<AwsCredentials> {
    if (this.rereading) return this.rereading.then(() => this.current);
    const now = this.now();
    if (now >= this.checkAfter && !this.checking) {
      this.checkAfter = now + CHECK_INTERVAL_MS;
      this.checking = true;
      void this.reread(false).finally(() => {
        this.checking = false;
      });
    }
    return this.current;
  }

  /**
   * The upstream refused a request signed with `headers` (401/403): true when sending it once more is worth it.
   * Signed with keys already replaced: yes, with the newer ones. Signed with the current keys: the file is
   * read again (the next `credentials()` waits for it), unless that was done for a refusal in the last minute.
   */
  refused(headers: Readonly<Record<string, string>>): boolean {
    if (!headers.authorization?.includes(`Credential=${this.current.accessKeyId}/`)) return true;
    if (headers['x-amz-security-token'] !== this.current.sessionToken) return true;
    const now = this.now();
    if (now < this.refusalFinalUntil) return false;
    this.refusalFinalUntil = now + REFUSAL_FINAL_MS;
    this.rereading ??= this.reread(true).finally(() => {
      this.rereading = undefined;
    });
    return true;
  }

  /** Reads the file when it changed (or `always`), and takes its keys when they are whole and new. */
  private async reread(always: boolean): Promise<void> {
    try {
      const stamp = stampOf(await stat(this.file));
      if (!always && stamp === this.stamp) return;
      const read = profileFromIni(await readFile(this.file, 'utf8'), this.profile);
      this.stamp = stamp;
      if (!read || sameKeys(read, this.current)) return;
      this.current = read;
      this.onRotated(read);
    } catch {
      // Missing for a moment (a rotation that deletes, then writes): the next check looks again.
    }
  }
}

function sameKeys(a: AwsCredentials, b: AwsCredentials): boolean {
  return (
    a.accessKeyId === b.accessKeyId && a.secretAccessKey === b.secretAccessKey && a.sessionToken === b.sessionToken
  );
}
