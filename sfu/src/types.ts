import type { types } from 'mediasoup';

/**
 * What the SFU shows the server: narrow views of its objects and the data types of its
 * parameters. The server imports these from `@consult/sfu`, never `mediasoup` itself.
 */

export type RtpParameters = types.RtpParameters;
export type RtpCapabilities = types.RtpCapabilities;
export type RtpCodecParameters = types.RtpCodecParameters;
export type DtlsParameters = types.DtlsParameters;
export type IceParameters = types.IceParameters;
export type IceCandidate = types.IceCandidate;

/** A producer, live: `paused` and `closed` follow it. */
export interface MediaProducer {
  readonly id: string;
  readonly kind: 'audio' | 'video';
  readonly paused: boolean;
  readonly closed: boolean;
  close(): void;
}

/** Something that can be closed and says when it is. */
export interface Closable {
  readonly id: string;
  readonly closed: boolean;
  readonly observer: { once(event: 'close', listener: () => void): unknown };
  close(): void;
}

/** A plain RTP transport: a feed's way in (RTP to `tuple.localPort`). */
export interface RtpTransport extends Closable {
  readonly tuple: { localIp: string; localPort: number };
}

/** A WebRTC transport a feed publishes on (WHIP): its parameters for the answer, DTLS state and received bytes. */
export interface FeedTransport extends Closable {
  readonly iceParameters: IceParameters;
  readonly iceCandidates: IceCandidate[];
  readonly dtlsParameters: DtlsParameters;
  on(event: 'dtlsstatechange', listener: (state: string) => void): unknown;
  getStats(): Promise<{ rtpBytesReceived?: number }[]>;
}

/** What the SFU measures of one participant's media (the sites overview). */
export interface PeerStats {
  producers: { source: string; kind: 'audio' | 'video'; paused: boolean; bitrate: number; fractionLost: number }[];
  consumers: { bitrate: number; fractionLost: number; roundTripTime: number | null }[];
}
