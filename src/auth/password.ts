import type { Options } from '@node-rs/argon2';

/** argon2 is a native module only browser sign-in needs: loaded on first use, so the data plane never maps it. */
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const library = () => (argon2 ??= import('@node-rs/argon2'));
const hash = async (password: string, options: Options) => (await library()).hash(password, options);
const verify = async (stored: string, password: string) => (await library()).verify(stored, password);

/** argon2id (the numeric value of the library's const enum, which isolated modules cannot import). */
const ARGON2ID = 2 as NonNullable<Options['algorithm']>;
/** OWASP's first argon2id setting: 19 MiB, 2 passes, 1 lane (~20 ms here). */
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 12;

export class PasswordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordError';
  }
}

/** Refuses passwords too short to stand up to guessing; there is no other rule to game. */
export function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new PasswordError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > 1024) throw new PasswordError('the password must be at most 1024 characters');
}

export function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  return hash(password, OPTIONS);
}

/** A hash of a password nobody has, so an unknown user name costs as much time as a wrong password. */
let decoy: Promise<string> | undefined;

/** Checks a password against a stored hash, or against the decoy when there is no such user. */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (password.length > 1024) return false;
  if (stored === undefined) {
    decoy ??= hash(`decoy-${Math.random()}-${Date.now()}`, OPTIONS);
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
