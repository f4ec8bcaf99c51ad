import type { RequestName } from '@consult/shared';
import type { ActionDefinition } from './action.js';
import { timeSync } from '../features/session/actions/timeSync.js';
import { setCapabilities } from '../features/media/actions/setCapabilities.js';
import { createTransport } from '../features/media/actions/createTransport.js';
import { connectTransport } from '../features/media/actions/connectTransport.js';
import { restartIce } from '../features/media/actions/restartIce.js';
import { produce } from '../features/media/actions/produce.js';
import { pauseProducer } from '../features/media/actions/pauseProducer.js';
import { resumeProducer } from '../features/media/actions/resumeProducer.js';
import { closeProducer } from '../features/media/actions/closeProducer.js';
import { consume } from '../features/media/actions/consume.js';
import { resumeConsumer } from '../features/media/actions/resumeConsumer.js';
import { pauseConsumer } from '../features/media/actions/pauseConsumer.js';
import { setConsumerLayers } from '../features/media/actions/setConsumerLayers.js';
import { floorState } from '../features/floor/actions/state.js';
import { requestFloor } from '../features/floor/actions/request.js';
import { withdrawRequest } from '../features/floor/actions/withdraw.js';
import { rejectRequest } from '../features/floor/actions/reject.js';
import { reorderQueue } from '../features/floor/actions/reorder.js';
import { grantFloor } from '../features/floor/actions/grant.js';
import { endSpeech } from '../features/floor/actions/end.js';
import { pauseSpeech } from '../features/floor/actions/pause.js';
import { resumeSpeech } from '../features/floor/actions/resume.js';
import { extendSpeech } from '../features/floor/actions/extend.js';
import { setLimits } from '../features/floor/actions/setLimits.js';
import { setQueueOpen } from '../features/floor/actions/setQueueOpen.js';
import { floorReport } from '../features/floor/actions/report.js';
import { advanceAgenda } from '../features/floor/actions/advanceAgenda.js';
import { listMotions } from '../features/voting/actions/list.js';
import { createMotion } from '../features/voting/actions/create.js';
import { openMotion } from '../features/voting/actions/open.js';
import { closeMotion } from '../features/voting/actions/close.js';
import { namedMotionChoices } from '../features/voting/actions/named.js';
import { publishedBallots } from '../features/voting/actions/published.js';
import { castVote } from '../features/voting/actions/vote.js';
import { transcriptState } from '../features/transcript/actions/state.js';
import { editSegment } from '../features/transcript/actions/edit.js';
import { addEntry } from '../features/transcript/actions/add.js';
import { minutesDraft } from '../features/transcript/actions/draft.js';
import { submitMinutes } from '../features/transcript/actions/submit.js';
import { approveMinutes } from '../features/transcript/actions/approve.js';
import { returnMinutes } from '../features/transcript/actions/return.js';
import { sitesOverview } from '../features/studios/actions/overview.js';
import { setAttendees } from '../features/studios/actions/setAttendees.js';
import { createIngest } from '../features/studios/actions/createIngest.js';
import { listIngests } from '../features/studios/actions/listIngests.js';
import { setOnAir } from '../features/studios/actions/setOnAir.js';
import { startStream } from '../features/studios/actions/startStream.js';
import { stopStream } from '../features/studios/actions/stopStream.js';
import { streamState } from '../features/studios/actions/streamState.js';

/** Requests the connection itself handles (joining and leaving are what a connection is). */
export type SessionRequest = 'session.join' | 'session.leave';
export type ActionName = Exclude<RequestName, SessionRequest>;

/** Every request but joining and leaving, by name: the compiler checks each has its action. */
export const ACTIONS: { [N in ActionName]: ActionDefinition<N, unknown> } = {
  'time.sync': timeSync,
  'media.setCapabilities': setCapabilities,
  'media.createTransport': createTransport,
  'media.connectTransport': connectTransport,
  'media.restartIce': restartIce,
  'media.produce': produce,
  'media.pauseProducer': pauseProducer,
  'media.resumeProducer': resumeProducer,
  'media.closeProducer': closeProducer,
  'media.consume': consume,
  'media.resumeConsumer': resumeConsumer,
  'media.pauseConsumer': pauseConsumer,
  'media.setConsumerLayers': setConsumerLayers,
  'floor.state': floorState,
  'floor.request': requestFloor,
  'floor.withdraw': withdrawRequest,
  'floor.reject': rejectRequest,
  'floor.reorder': reorderQueue,
  'floor.grant': grantFloor,
  'floor.end': endSpeech,
  'floor.pause': pauseSpeech,
  'floor.resume': resumeSpeech,
  'floor.extend': extendSpeech,
  'floor.setLimits': setLimits,
  'floor.setQueueOpen': setQueueOpen,
  'floor.report': floorReport,
  'agenda.advance': advanceAgenda,
  'motion.list': listMotions,
  'motion.create': createMotion,
  'motion.open': openMotion,
  'motion.close': closeMotion,
  'motion.named': namedMotionChoices,
  'motion.published': publishedBallots,
  'motion.vote': castVote,
  'transcript.state': transcriptState,
  'transcript.edit': editSegment,
  'transcript.add': addEntry,
  'minutes.draft': minutesDraft,
  'minutes.submit': submitMinutes,
  'minutes.approve': approveMinutes,
  'minutes.return': returnMinutes,
  'sites.overview': sitesOverview,
  'studio.setAttendees': setAttendees,
  'ingest.create': createIngest,
  'ingest.list': listIngests,
  'ingest.setOnAir': setOnAir,
  'stream.start': startStream,
  'stream.stop': stopStream,
  'stream.state': streamState,
};
