import { create } from 'zustand';
import { createI18nSlice, type I18nSlice } from './i18n/slice';
import { createFloorSlice, type FloorSlice } from './features/floor/slice';
import { createMediaSlice, type MediaSlice } from './features/media/slice';
import { createParticipantsSlice, type ParticipantsSlice } from './features/participants/slice';
import { createSessionSlice, type SessionSlice } from './features/session/slice';
import { createStudiosSlice, type StudiosSlice } from './features/studios/slice';
import { createToastsSlice, type ToastsSlice } from './features/toasts/slice';
import { createTranscriptSlice, type TranscriptSlice } from './features/transcript/slice';
import { createVotingSlice, type VotingSlice } from './features/voting/slice';

/** The whole client state: plain data (ids and flags) from every feature, never media objects. */
export type AppState = I18nSlice & SessionSlice & ParticipantsSlice & MediaSlice & FloorSlice & VotingSlice & TranscriptSlice & StudiosSlice & ToastsSlice;

/** The single store, combined from one slice per feature. */
export const useStore = create<AppState>()((...args) => ({
  ...createI18nSlice(...args),
  ...createSessionSlice(...args),
  ...createParticipantsSlice(...args),
  ...createMediaSlice(...args),
  ...createFloorSlice(...args),
  ...createVotingSlice(...args),
  ...createTranscriptSlice(...args),
  ...createStudiosSlice(...args),
  ...createToastsSlice(...args),
}));
