import {
  AgentDispatch,
  AgentDispatchState,
  Job,
  ListAgentDispatchResponse,
  ParticipantInfo,
  Room,
} from '@livekit/protocol';
import { describe, expect, it } from 'vitest';
import { toTwirpJson } from './twirp-json.js';

describe('toTwirpJson', () => {
  it('writes proto names, scalar defaults, and null for unset message fields', () => {
    const json = toTwirpJson(new Room({ name: 'r' }));
    expect(json).toMatchObject({
      name: 'r',
      sid: '',
      empty_timeout: 0,
      creation_time: '0',
      enabled_codecs: [],
      version: null,
    });
    expect(Room.fromJson(json, { ignoreUnknownFields: true }).name).toBe('r');
  });

  it('recurses into nested, repeated and set messages', () => {
    const response = new ListAgentDispatchResponse({
      agentDispatches: [
        new AgentDispatch({
          id: 'AD_1',
          state: new AgentDispatchState({ jobs: [new Job({ id: 'AJ_1' })] }),
        }),
      ],
    });
    const json = toTwirpJson(response);
    expect(json).toMatchObject({
      agent_dispatches: [
        {
          id: 'AD_1',
          state: { jobs: [{ id: 'AJ_1', room: null, participant: null, state: null }] },
        },
      ],
    });
    expect(ListAgentDispatchResponse.fromJson(json).agentDispatches[0]?.state?.jobs[0]?.id).toBe(
      'AJ_1',
    );
  });

  it('keeps map keys as they are', () => {
    const json = toTwirpJson(new ParticipantInfo({ attributes: { 'lk.agent_name': 'x' } }));
    expect(json.attributes).toEqual({ 'lk.agent_name': 'x' });
    expect(json.permission).toBeNull();
  });
});
