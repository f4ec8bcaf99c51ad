/**
 * The transcript and the minutes: shared types. Segments are attributed from the floor
 * (who held it when the words were spoken), never guessed from the audio.
 */

export interface SegmentEdit {
  text: string;
  by: string;
  at: number;
}

export interface TranscriptSegment {
  id: string;
  agendaItemId: string;
  /** The speech it belongs to; null for an entry the clerk added for words spoken off the floor. */
  speechId: string | null;
  participantId: string;
  name: string;
  siteId: string;
  startedAt: number;
  endedAt: number;
  /** Current text (after the clerk's corrections). */
  text: string;
  /** What the recogniser produced ('' when only segments are cut). */
  recognised: string;
  confidence: number | null;
  engine: string;
  /** An audio clip is kept for the clerk to listen to. */
  hasClip: boolean;
  offFloor: boolean;
  edits: SegmentEdit[];
}

/** A stretch of a speech the recogniser could not cover (engine failure). */
export interface TranscriptGap {
  speechId: string;
  at: number;
  reason: string;
}

export interface CaptionPartial {
  speechId: string;
  participantId: string;
  text: string;
  startedAt: number;
}

export interface TranscriptEngineInfo {
  engine: 'sherpa-onnx' | 'pocketsphinx' | 'segments';
  model: string | null;
  recognises: boolean;
  language: 'zh' | 'en';
}

export type MinutesStatus = 'draft' | 'submitted' | 'approved';

export interface MinutesVersionInfo {
  version: number;
  status: MinutesStatus;
  submittedBy: string | null;
  submittedAt: number | null;
  approvedBy: string | null;
  approvedAt: number | null;
  /** sha256 of the locked document, once approved. */
  hash: string | null;
  /** The approved version this one revises (its hash), if any. */
  previousHash: string | null;
}

/** The minutes (会议纪要) as a document: built from the log, rendered to md/html/pdf/docx/json. */
export interface MinutesDocument {
  consultationId: string;
  title: string;
  version: number;
  status: MinutesStatus;
  previousHash: string | null;
  generatedAt: number;
  moderator: { name: string; siteName: string }[];
  attendance: { siteId: string; siteName: string; present: { name: string; role: string }[]; absent: { name: string; role: string }[] }[];
  items: {
    agendaItemId: string;
    title: string;
    speeches: {
      speechId: string | null;
      name: string;
      siteName: string;
      startedAt: number;
      endedAt: number | null;
      type: string;
      offFloor: boolean;
      text: string;
    }[];
    motions: {
      motionId: string;
      title: string;
      ballot: string;
      counts: { label: string; votes: number }[];
      passed: boolean;
      elected: string[];
      rule: string;
      quorum: string;
    }[];
  }[];
}
