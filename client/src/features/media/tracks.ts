/**
 * The registry of live MediaStreamTracks. The store only holds their keys (a consumer
 * id for remote tracks, the track id for local ones); components look tracks up here.
 */
const tracks = new Map<string, MediaStreamTrack>();

/** Makes a track findable under a key. */
export function registerTrack(key: string, track: MediaStreamTrack): void {
  tracks.set(key, track);
}

/** Forgets a key (the track itself is not stopped). */
export function unregisterTrack(key: string): void {
  tracks.delete(key);
}

/** The track registered under a key, if any. */
export function getTrack(key: string | null | undefined): MediaStreamTrack | undefined {
  return key ? tracks.get(key) : undefined;
}
