/**
 * A cost in US dollars for people to read, the same in `amg usage` and the Admin UI so their numbers can be
 * compared digit for digit: below a cent with six decimals (a request of a small model costs a few millionths,
 * which four decimals would show as a free $0.0000), below a dollar with four, from a dollar on to the cent.
 */
export function formatUsd(value: number): string {
  if (value === 0) return '0';
  const size = Math.abs(value);
  return value.toFixed(size < 0.01 ? 6 : size < 1 ? 4 : 2);
}
