import { answer, defineAction } from '../../../actions/action.js';

/** The transcript so far, the recogniser in use and the minutes' sign-off state (the clerk's desk). */
export const transcriptState = defineAction({
  name: 'transcript.state',
  permission: 'session.join',
  prepare: async (_input, { consultationId, services }) => ({
    engine: services.transcripts.engine(consultationId),
    activeSpeechId: services.transcripts.activeSpeech(consultationId),
  }),
  decide: (state, _input, _actor, _now, live) =>
    answer({
      engine: live.engine,
      segments: state.transcript.segments,
      gaps: state.transcript.gaps,
      minutes: state.transcript.minutes,
      activeSpeechId: live.activeSpeechId,
    }),
});
