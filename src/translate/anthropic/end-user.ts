/**
 * The end-user id in `metadata.user_id`. Claude Code sends a JSON string,
 * `{"device_id": ..., "account_uuid": ..., "session_id": ...}`, whose session part changes with every run; the
 * stable part (the account, else the device) is what identifies the user to another provider. Any other
 * string is the id itself.
 */
export function endUserOf(userId: string): string {
  if (!userId.startsWith('{')) return userId;
  let parsed: unknown;
  try {
    parsed = JSON.parse(userId);
  } catch {
    return userId;
  }
  if (typeof parsed !== 'object' || parsed === null) return userId;
  const { account_uuid: account, device_id: device } = parsed as Record<string, unknown>;
  if (typeof account === 'string' && account !== '') return account;
  if (typeof device === 'string' && device !== '') return device;
  return userId;
}
