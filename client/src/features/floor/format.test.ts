import { describe, expect, it } from 'vitest';
import { bestOffset, formatClock } from './format';

describe('formatClock', () => {
  it('shows a fresh limit whole and counts down by rounding up', () => {
    expect(formatClock(180_000)).toBe('3:00');
    expect(formatClock(179_001)).toBe('3:00');
    expect(formatClock(179_000)).toBe('2:59');
    expect(formatClock(30_000)).toBe('0:30');
    expect(formatClock(1)).toBe('0:01');
    expect(formatClock(0)).toBe('0:00');
  });

  it('rounds elapsed time down, never goes negative, and adds hours past 60 minutes', () => {
    expect(formatClock(5_999, 'down')).toBe('0:05');
    expect(formatClock(-2_000)).toBe('0:00');
    expect(formatClock(3_725_000, 'down')).toBe('1:02:05');
  });
});

describe('bestOffset', () => {
  it('takes the sample with the shortest round trip and assumes the answer came half-way', () => {
    const result = bestOffset([
      { receivedAt: 10_000, rttMs: 300, serverTime: 15_000 },
      { receivedAt: 11_000, rttMs: 40, serverTime: 15_880 },
      { receivedAt: 12_000, rttMs: 90, serverTime: 16_900 },
    ]);
    // 15_880 + 20 − 11_000
    expect(result).toEqual({ offsetMs: 4_900, rttMs: 40 });
  });

  it('has nothing to say without samples', () => {
    expect(bestOffset([])).toBeNull();
  });
});
