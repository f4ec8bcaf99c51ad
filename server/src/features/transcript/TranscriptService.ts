import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { notFound, type CaptionPartial, type Participant, type TranscriptEngineInfo, type TranscriptGap } from '@consult/shared';
import type { AudioTap, MediaService } from '@consult/sfu';
import type { Logger } from 'pino';
import type { ConsultationService } from '../../log/ConsultationService.js';
import type { ConsultationState } from '../../domain/consultation.js';
import { ASR_SAMPLE_RATE, type AsrStream, type FinalSegment, type Transcriber } from './asr/types.js';
import { wavFile } from './wav.js';
import { AudioClock, segmentFromFinal, type SpeechTapInfo } from './attribution.js';

export interface TranscriptServiceEvents {
  /** The utterance in progress (broadcast only; final segments are log events). */
  partial: [{ consultationId: string; caption: CaptionPartial }];
}

/** The floor holder's microphone being transcribed. */
interface ActiveTap extends SpeechTapInfo {
  producerId: string;
  speaker: Participant;
  tap: AudioTap;
  stream: AsrStream;
  clock: AudioClock;
  gapRecorded: boolean;
  ending: boolean;
}

/**
 * Taps the floor holder's audio on the SFU and turns it into transcript segments: the
 * tap follows the floor (a new speech moves it; no speech, no tap), partial captions are
 * broadcast, final segments become events of the consultation's log with their audio
 * clip kept for the clerk. Attribution comes from the speech, never from the audio.
 */
export class TranscriptService extends EventEmitter<TranscriptServiceEvents> {
  private readonly taps = new Map<string, ActiveTap>();
  private readonly syncs = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly deps: {
      consultations: ConsultationService;
      media: MediaService;
      transcriber: Transcriber;
      dataDir: string;
      clock: () => number;
      newId: () => string;
      log: Logger;
      /** Which of the speaker's sources carries their voice: a studio's feed replaces its microphone while on air. */
      speechSource?: (consultationId: string, participantId: string) => 'mic' | 'ingest-audio';
    },
  ) {
    super();
  }

  engine(consultationId: string): TranscriptEngineInfo {
    const language = this.state(consultationId).consultation.language;
    return { ...this.deps.transcriber.describe(language), language };
  }

  private state(consultationId: string): ConsultationState {
    const state = this.deps.consultations.get(consultationId);
    if (!state) throw notFound(`consultation ${consultationId}`);
    return state;
  }

  clipPath(consultationId: string, segmentId: string): string {
    return path.join(this.deps.dataDir, 'clips', consultationId, `${segmentId}.wav`);
  }

  /** The speech currently being transcribed, if any (for tests and metrics). */
  activeSpeech(consultationId: string): string | null {
    return this.taps.get(consultationId)?.speechId ?? null;
  }

  /** Brings the tap in line with the floor; calls for one consultation run one after another. */
  sync(consultationId: string): Promise<void> {
    const previous = this.syncs.get(consultationId) ?? Promise.resolve();
    const next = previous
      .then(() => this.syncNow(consultationId))
      .catch((err: unknown) => this.deps.log.error({ err, consultationId }, 'could not move the transcript tap'));
    this.syncs.set(consultationId, next);
    void next.then(() => {
      if (this.syncs.get(consultationId) === next) this.syncs.delete(consultationId);
    });
    return next;
  }

  private async syncNow(consultationId: string): Promise<void> {
    const state = this.deps.consultations.get(consultationId);
    const speech = state?.floor.speech ?? null;
    const room = this.deps.media.existingRoom(consultationId);
    let producer: { producerId: string } | undefined;
    if (speech && room && !room.isClosed) {
      const source = this.deps.speechSource?.(consultationId, speech.participantId) ?? 'mic';
      producer = room.producersOf(speech.participantId).find((p) => p.source === source);
    }
    const current = this.taps.get(consultationId);
    if (current && speech && producer && current.speechId === speech.id && current.producerId === producer.producerId) return;
    if (current) await this.stop(consultationId, current);
    if (!speech || !producer || !room || this.closed) return;
    const speaker = state!.consultation.participants.find((p) => p.id === speech.participantId);
    if (!speaker) return;
    const language = state!.consultation.language;
    const description = this.deps.transcriber.describe(language);
    const hotwords = [
      ...state!.consultation.participants.map((p) => p.name),
      ...state!.consultation.sites.map((s) => s.name),
      ...state!.consultation.agenda.map((a) => a.title),
    ];
    const tap = await room.openAudioTap(producer.producerId);
    const stream = this.deps.transcriber.start({ language, hotwords });
    const active: ActiveTap = {
      speechId: speech.id,
      producerId: producer.producerId,
      agendaItemId: speech.agendaItemId,
      speaker,
      tap,
      stream,
      engine: description.engine,
      clock: new AudioClock(),
      gapRecorded: false,
      ending: false,
    };
    this.taps.set(consultationId, active);
    tap.on('pcm', (pcm) => {
      active.clock.received((pcm.length / ASR_SAMPLE_RATE) * 1000, this.deps.clock());
      try {
        stream.push(pcm);
      } catch (err) {
        this.onEngineError(consultationId, active, err as Error);
      }
    });
    tap.on('closed', (reason) => {
      if (!active.ending && this.taps.get(consultationId) === active) {
        this.deps.log.info({ consultationId, reason }, 'transcript tap closed');
        void this.stop(consultationId, active);
      }
    });
    stream.on('partial', (p) => {
      this.emit('partial', {
        consultationId,
        caption: { speechId: active.speechId, participantId: speaker.id, text: p.text, startedAt: active.clock.wallAt(p.startMs, this.deps.clock()) },
      });
    });
    stream.on('final', (f) => {
      this.recordFinal(consultationId, active, f).catch((err: unknown) => this.deps.log.error({ err, consultationId }, 'could not store a transcript segment'));
    });
    stream.on('error', (err) => this.onEngineError(consultationId, active, err));
  }

  private async stop(consultationId: string, active: ActiveTap): Promise<void> {
    if (active.ending) return;
    active.ending = true;
    if (this.taps.get(consultationId) === active) this.taps.delete(consultationId);
    active.tap.close();
    // The words already heard still belong to this speech: flush them.
    await active.stream.end().catch((err: unknown) => this.onEngineError(consultationId, active, err as Error));
  }

  private onEngineError(consultationId: string, active: ActiveTap, err: Error): void {
    this.deps.log.warn({ err, consultationId }, 'speech recognition failed; the transcript marks a gap');
    if (active.gapRecorded) return;
    active.gapRecorded = true;
    const gap: TranscriptGap = { speechId: active.speechId, at: this.deps.clock(), reason: err.message.slice(0, 200) };
    this.deps.consultations
      .commit(consultationId, () => ({ events: [{ type: 'transcript.gap', data: gap }], reply: undefined }))
      .catch((e: unknown) => this.deps.log.error({ err: e, consultationId }, 'could not record a transcript gap'));
  }

  private async recordFinal(consultationId: string, active: ActiveTap, final: FinalSegment): Promise<void> {
    const id = this.deps.newId();
    if (final.clip.length > 0) {
      const file = this.clipPath(consultationId, id);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, wavFile(final.clip, ASR_SAMPLE_RATE));
    }
    const data = segmentFromFinal(id, active, active.clock, final, this.deps.clock());
    await this.deps.consultations.commit(consultationId, () => ({ events: [{ type: 'transcript.segment', data }], reply: undefined }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.taps.entries()].map(([id, active]) => this.stop(id, active)));
  }
}
