/**
 * The simulcast layer a receiver should get for a tile of the given rendered height
 * (CSS pixels × devicePixelRatio). Cameras send 1/4, 1/2 and full resolution of their
 * capture (135, 270 and 540 lines for a member's 540p camera).
 */
export function spatialLayerForHeight(renderedHeight: number, captureHeight = 540): 0 | 1 | 2 {
  if (renderedHeight > captureHeight / 2) return 2;
  if (renderedHeight > captureHeight / 4) return 1;
  return 0;
}
