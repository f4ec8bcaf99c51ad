import { z } from 'zod';

/**
 * Media payloads are checked for shape here; mediasoup checks the RTP semantics and
 * its refusals are answered with code MEDIA.
 */
const id = z.string().min(1).max(128);
const looseObject = z.record(z.string(), z.unknown());

export const CreateTransportRequest = z.object({ direction: z.enum(['send', 'recv']) });
export type CreateTransportRequest = z.infer<typeof CreateTransportRequest>;

export const DtlsParameters = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.string().min(1).max(32), value: z.string().min(1).max(256) }))
    .min(1)
    .max(8),
});

export const ConnectTransportRequest = z.object({ transportId: id, dtlsParameters: DtlsParameters });
export type ConnectTransportRequest = z.infer<typeof ConnectTransportRequest>;

export const RtpParameters = z
  .object({
    mid: z.string().max(32).optional(),
    codecs: z.array(looseObject).min(1).max(16),
    headerExtensions: z.array(looseObject).max(32).optional(),
    encodings: z.array(looseObject).max(8).optional(),
    rtcp: looseObject.optional(),
  })
  .loose();

export const ProduceRequest = z.object({
  transportId: id,
  kind: z.enum(['audio', 'video']),
  source: z.enum(['mic', 'camera']),
  rtpParameters: RtpParameters,
  paused: z.boolean().default(false),
});
export type ProduceRequest = z.infer<typeof ProduceRequest>;

export const SetCapabilitiesRequest = z.object({
  rtpCapabilities: z.object({ codecs: z.array(looseObject).max(64), headerExtensions: z.array(looseObject).max(64).optional() }).loose(),
});
export type SetCapabilitiesRequest = z.infer<typeof SetCapabilitiesRequest>;

export const ConsumeRequest = z.object({ producerId: id });
export type ConsumeRequest = z.infer<typeof ConsumeRequest>;

export const ConsumerRequest = z.object({ consumerId: id });
export type ConsumerRequest = z.infer<typeof ConsumerRequest>;

export const ProducerRequest = z.object({ producerId: id });
export type ProducerRequest = z.infer<typeof ProducerRequest>;

export const SetConsumerLayersRequest = z.object({ consumerId: id, spatialLayer: z.number().int().min(0).max(2) });
export type SetConsumerLayersRequest = z.infer<typeof SetConsumerLayersRequest>;

export const TransportRequest = z.object({ transportId: id });
export type TransportRequest = z.infer<typeof TransportRequest>;
