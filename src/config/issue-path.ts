/** Formats a path like ["models", 0, "targets", 1, "provider"] as `models[0].targets[1].provider`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

/**
 * What a schema issue says. A record key that fails its own schema (a tag name with a space) is reported by zod
 * as "Invalid key in record", its reason nested inside: that reason is the message.
 */
export function issueMessage(issue: { code?: string; message: string; issues?: ReadonlyArray<{ message: string }> }) {
  const reason = issue.code === 'invalid_key' ? issue.issues?.[0]?.message : undefined;
  return reason ? `invalid name: ${reason}` : issue.message;
}
