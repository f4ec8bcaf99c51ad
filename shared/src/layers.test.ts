import { describe, expect, it } from 'vitest';
import { spatialLayerForHeight } from './layers.js';

describe('simulcast layer by rendered size', () => {
  it.each([
    [90, 0],
    [135, 0],
    [200, 1],
    [270, 1],
    [400, 2],
    [1080, 2],
  ])('a %i px tall tile gets layer %i', (height, layer) => {
    expect(spatialLayerForHeight(height)).toBe(layer);
  });
  it('scales with a 720p studio camera', () => {
    expect(spatialLayerForHeight(300, 720)).toBe(1);
    expect(spatialLayerForHeight(400, 720)).toBe(2);
  });
});
