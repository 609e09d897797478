import { describe, expect, it } from 'vitest';
import { axisNumber, axisTimes, chartNumber, int, ms, pct, usd } from './format.js';

describe('figures of odd sizes on the Admin UI', () => {
  it('groups the thousands of a large cost and keeps the six decimals of a tiny one', () => {
    expect(usd(123_456.789012)).toBe('$123,456.79');
    expect(usd(1_234_567_890.5)).toBe('$1,234,567,890.50');
    expect(usd(0.000003)).toBe('$0.000003');
    expect(usd(-4321.5)).toBe('-$4,321.50');
  });

  it('shows a dash, never NaN or Infinity, for a figure that cannot be made', () => {
    for (const format of [int, ms, pct, usd]) {
      expect(format(Number.NaN)).toBe('–');
      expect(format(Number.POSITIVE_INFINITY)).toBe('–');
      expect(format(undefined)).toBe('–');
    }
  });

  it('writes a ten-minute call in minutes', () => {
    expect(ms(600_000)).toBe('10.0 min');
    expect(ms(59_000)).toBe('59.0 s');
    expect(ms(250)).toBe('250 ms');
  });

  it('writes chart axis labels short for billions and with their digits for millionths', () => {
    expect(axisNumber(6_000_000_000)).toBe('6B');
    expect(axisNumber(372_800)).toBe('372.8K');
    expect(axisNumber(600_000)).toBe('600K');
    expect(axisNumber(0.000003)).toBe('0.000003');
    expect(axisNumber(250)).toBe('250');
    expect(axisNumber(null)).toBe('');
    expect(chartNumber(0.0000025)).toBe('0.0000025');
    expect(chartNumber(6_000_000_001)).toBe('6,000,000,001');
  });
});

describe('a time chart axis', () => {
  it('writes the 24-hour clock and dates the first label and a new day with the month spelled', () => {
    const at = new Date(2026, 11, 6, 23, 30).getTime() / 1000; // in the local time zone, as the chart shows it
    expect(axisTimes([at, at + 900, at + 1800], 900)).toEqual(['23:30\n06 Dec', '23:45', '00:00\n07 Dec']);
    expect(axisTimes([at, at + 86_400], 86_400)).toEqual(['06 Dec', '07 Dec']);
  });
});
