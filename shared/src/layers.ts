/**
 * The simulcast layer a receiver should get for a tile of the given rendered height
 * (CSS pixels × devicePixelRatio). Layers are sent at 1/4, 1/2 and full resolution of
 * a 720p camera: 180, 360 and 720 lines.
 */
export function spatialLayerForHeight(renderedHeight: number): 0 | 1 | 2 {
  if (renderedHeight > 360) return 2;
  if (renderedHeight > 180) return 1;
  return 0;
}
