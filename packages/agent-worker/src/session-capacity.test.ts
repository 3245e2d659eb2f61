import { describe, expect, it } from 'vitest';
import { sessionCapacityLoad } from './session-capacity.js';

describe('sessionCapacityLoad', () => {
  it('is the share of the capacity in use, capped at 1', async () => {
    let running = 0;
    const load = sessionCapacityLoad(4, () => running);
    expect(await load()).toBe(0);
    running = 1;
    expect(await load()).toBe(0.25);
    running = 4;
    expect(await load()).toBe(1);
    running = 6;
    expect(await load()).toBe(1);
  });

  it('refuses a capacity that is not a whole number of at least 1', () => {
    expect(() => sessionCapacityLoad(0, () => 0)).toThrow(/at least 1, got 0/);
    expect(() => sessionCapacityLoad(1.5, () => 0)).toThrow(RangeError);
  });
});
