import type { StateCreator } from 'zustand';
import type { JoinReply, Participant, RoomSnapshot } from '@consult/shared';
import type { SessionInfo } from '../../net/api';
import type { AppErrorCode } from '../../net/errors';
import type { AppState } from '../../store';

/** Which page the client shows. */
export type Phase = 'loading' | 'lobby' | 'joining' | 'room' | 'left' | 'error';
/** State of the signalling connection, as the reconnect banner needs it. */
export type Connection = 'offline' | 'connecting' | 'connected' | 'reconnecting';

export interface SessionSlice {
  token: string | null;
  /** From GET /api/session, before joining. */
  sessionInfo: SessionInfo | null;
  /** From the join snapshot. */
  self: Participant | null;
  consultation: RoomSnapshot['consultation'] | null;
  mayPublish: JoinReply['mayPublish'];
  phase: Phase;
  errorCode: AppErrorCode | null;
  connection: Connection;
  setToken: (token: string | null) => void;
  setSessionInfo: (info: SessionInfo) => void;
  setPhase: (phase: Phase) => void;
  setConnection: (connection: Connection) => void;
  /** Shows the error page for a code. */
  fail: (code: AppErrorCode) => void;
  /** Records who we are and where, from a join (or rejoin) reply. */
  applyJoin: (reply: JoinReply) => void;
}

export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set) => ({
  token: null,
  sessionInfo: null,
  self: null,
  consultation: null,
  mayPublish: { audio: false, video: false },
  phase: 'loading',
  errorCode: null,
  connection: 'offline',
  setToken: (token) => set({ token }),
  setSessionInfo: (sessionInfo) => set({ sessionInfo }),
  setPhase: (phase) => set({ phase }),
  setConnection: (connection) => set({ connection }),
  fail: (errorCode) => set({ phase: 'error', errorCode, connection: 'offline' }),
  applyJoin: (reply) => set({ self: reply.self, consultation: reply.consultation, mayPublish: reply.mayPublish }),
});
