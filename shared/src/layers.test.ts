import { describe, expect, it } from 'vitest';
import { spatialLayerForHeight } from './layers.js';

describe('simulcast layer by rendered size', () => {
  it.each([
    [90, 0],
    [180, 0],
    [240, 1],
    [360, 1],
    [540, 2],
    [1080, 2],
  ])('a %i px tall tile gets layer %i', (height, layer) => {
    expect(spatialLayerForHeight(height)).toBe(layer);
  });
});
