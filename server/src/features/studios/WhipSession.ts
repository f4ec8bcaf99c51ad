import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { FeedTransport, MediaProducer, MediaRoom } from '@consult/sfu';
import type { Logger } from 'pino';
import { buildWhipAnswer, type WhipOffer } from './whipSdp.js';

/** How a WHIP publisher's session ended. */
export type WhipEnd = 'deleted' | 'lost' | 'never-connected' | 'closed';

export interface WhipSessionEvents {
  /** DTLS is up: the encoder's media can flow. */
  connected: [];
  ended: [WhipEnd];
}

export interface WhipTiming {
  /** A publisher whose DTLS is not up this long after the answer never came. */
  connectTimeoutMs: number;
  /** A connected publisher that sends no RTP this long has lost its signal. */
  signalTimeoutMs: number;
  /** How often RTP arrival is checked. */
  checkEveryMs: number;
}

/**
 * One WHIP publisher (RFC 9725): a WebRTC transport on the studio's media peer, connected
 * with the encoder's DTLS fingerprint, and a producer per taken section with the sources
 * the RTMP ingest uses. It watches the transport: DTLS failing or closing, or no RTP for a
 * while, ends it as lost; closing it closes the transport and with it the producers.
 */
export class WhipSession extends EventEmitter<WhipSessionEvents> {
  readonly id = randomBytes(12).toString('base64url');
  readonly producers: MediaProducer[] = [];
  private transport: FeedTransport | undefined;
  private timers: NodeJS.Timeout[] = [];
  private ended = false;
  private connected = false;
  private lastBytes = 0;
  private lastRtpAt = 0;

  constructor(
    private readonly room: MediaRoom,
    private readonly studioId: string,
    private readonly timing: WhipTiming,
    private readonly log: Logger,
  ) {
    super();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Creates the transport and producers from the offer; resolves to the SDP answer. On failure nothing is left behind. */
  async open(offer: WhipOffer): Promise<string> {
    try {
      const info = await this.room.createTransport(this.studioId, 'send', 'feed');
      const transport = this.room.feedTransport(this.studioId, info.id);
      this.transport = transport;
      transport.observer.once('close', () => this.end('closed'));
      transport.on('dtlsstatechange', (state) => {
        if (state === 'connected') this.onConnected();
        else if (state === 'failed' || state === 'closed') this.end('lost');
      });
      await this.room.connectTransport(this.studioId, info.id, offer.remoteDtls);
      for (const section of offer.sections) {
        const producer = await this.room.produce(this.studioId, {
          transportId: info.id,
          kind: section.kind,
          source: section.source,
          rtpParameters: section.rtpParameters,
          paused: false,
        });
        this.producers.push(producer);
      }
      if (this.ended) throw new Error('the WHIP transport closed while it was being set up');
      this.timers.push(setTimeout(() => this.connected || this.end('never-connected'), this.timing.connectTimeoutMs));
      return buildWhipAnswer(offer, {
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
      });
    } catch (err) {
      this.close();
      throw err;
    }
  }

  private onConnected(): void {
    if (this.connected || this.ended) return;
    this.connected = true;
    this.lastRtpAt = Date.now();
    const timer = setInterval(() => void this.checkRtp(), this.timing.checkEveryMs);
    this.timers.push(timer);
    this.emit('connected');
  }

  /** RTP still arriving? The transport's received RTP bytes must grow within the signal timeout. */
  private async checkRtp(): Promise<void> {
    const transport = this.transport;
    if (!transport || this.ended) return;
    const stats = await transport.getStats().catch(() => []);
    const bytes = stats.reduce((n, s) => n + (s.rtpBytesReceived ?? 0), 0);
    const now = Date.now();
    if (bytes > this.lastBytes) {
      this.lastBytes = bytes;
      this.lastRtpAt = now;
    } else if (now - this.lastRtpAt >= this.timing.signalTimeoutMs) {
      this.log.info({ studio: this.studioId, session: this.id }, 'WHIP publisher sends no RTP: signal lost');
      this.end('lost');
    }
  }

  private end(reason: WhipEnd): void {
    if (this.ended) return;
    this.ended = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    if (this.transport && !this.transport.closed) this.transport.close();
    this.emit('ended', reason);
  }

  /** The publisher asked to stop (HTTP DELETE on the session). */
  delete(): void {
    this.end('deleted');
  }

  /** Closes without counting as a loss (the ingest point is going away, or set-up failed). */
  close(): void {
    this.end('closed');
  }
}
