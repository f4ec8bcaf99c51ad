import type { types as ms } from 'mediasoup-client';
import type { Role } from '@consult/shared';

/**
 * The studio profile: a venue PC with a good camera and a room microphone on a wired link
 * publishes a sharper, smoother picture than a member's laptop or phone (960×540 at 24 fps).
 */

/** Capture: 720p at 30 fps; a room microphone with echo cancelling, noise suppression and gain control, mono at 48 kHz. */
export const STUDIO_CAPTURE: { video: MediaTrackConstraints; audio: MediaTrackConstraints } = {
  video: {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30, max: 30 },
  },
  audio: {
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
    sampleRate: { ideal: 48_000 },
    channelCount: { ideal: 1 },
  },
};

/** Three VP8 simulcast layers from the 720p capture: 180p (15 fps), 360p, 720p. */
export const STUDIO_ENCODINGS: ms.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, maxFramerate: 15 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, maxFramerate: 30 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000, maxFramerate: 30 },
];

/** Start near the top layer's rate instead of ramping up from WebRTC's low default. */
export const STUDIO_CODEC_OPTIONS: ms.ProducerCodecOptions = { videoGoogleStartBitrate: 1000 };

/** Whether a role publishes with the studio profile. */
export function usesStudioProfile(role: Role | undefined): boolean {
  return role === 'studio';
}
