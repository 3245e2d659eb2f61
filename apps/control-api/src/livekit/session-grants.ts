import type { VideoGrant } from './token-minter.js';

/** The least a caller needs to talk to an agent in one room: join it, speak, listen, send data. */
export function callerGrants(room: string): VideoGrant {
  return {
    room,
    roomJoin: true,
    canPublish: true,
    canPublishSources: ['microphone'],
    canSubscribe: true,
    canPublishData: true,
  };
}
