import { randomBytes } from 'node:crypto';
import { JobStatus, JobType, ServerMessage, WorkerMessage, WorkerStatus } from '@livekit/protocol';
import {
  AccessToken,
  AgentDispatchClient,
  RoomServiceClient,
  TokenVerifier,
} from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type LoopbackLiveKitServer, startLoopbackLiveKit } from './loopback-livekit-server.js';

type ServerCase = NonNullable<ServerMessage['message']['case']>;
type ServerValue<C extends ServerCase> = Extract<ServerMessage['message'], { case: C }>['value'];

/** A hand-driven worker speaking the protocol frame by frame. */
class RawWorker {
  readonly messages: ServerMessage[] = [];
  readonly #ws: WebSocket;
  readonly #json: boolean;
  #waiters: (() => void)[] = [];
  #closed = false;

  private constructor(ws: WebSocket, json: boolean) {
    this.#ws = ws;
    this.#json = json;
    ws.on('message', (data, isBinary) => {
      const bytes = data as Buffer;
      this.messages.push(
        isBinary ? ServerMessage.fromBinary(bytes) : ServerMessage.fromJsonString(bytes.toString()),
      );
      for (const waiter of this.#waiters) waiter();
    });
    ws.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiters) waiter();
    });
  }

  static async connect(url: string, token: string, json = false): Promise<RawWorker> {
    const ws = new WebSocket(`${url}/agent`, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawWorker(ws, json);
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(message: WorkerMessage): void {
    if (this.#json) this.#ws.send(message.toJsonString());
    else this.#ws.send(message.toBinary());
  }

  /** Waits for the next message of this kind not consumed yet. */
  async next<C extends ServerCase>(kind: C, timeoutMs = 5_000): Promise<ServerValue<C>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => m.message.case === kind);
      if (index >= 0) {
        const [message] = this.messages.splice(index, 1);
        return message?.message.value as unknown as ServerValue<C>;
      }
      if (this.#closed || Date.now() > deadline) throw new Error(`no ${kind} message`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#waiters = [];
    }
  }

  async register(agentName: string): Promise<string> {
    this.send(
      new WorkerMessage({
        message: { case: 'register', value: { agentName, type: JobType.JT_ROOM, version: 'raw' } },
      }),
    );
    return (await this.next('register')).workerId;
  }

  /** Answers the next availability request. */
  async answer(
    accept: boolean,
    participant: { identity?: string; name?: string; attributes?: Record<string, string> } = {},
  ) {
    const request = await this.next('availability');
    const jobId = request.job?.id ?? '';
    this.send(
      new WorkerMessage({
        message: {
          case: 'availability',
          value: {
            jobId,
            available: accept,
            participantIdentity: participant.identity ?? '',
            participantName: participant.name ?? '',
            participantAttributes: participant.attributes ?? {},
          },
        },
      }),
    );
    return request;
  }

  close(): void {
    this.#ws.close();
  }
}

let livekit: LoopbackLiveKitServer;
let dispatches: AgentDispatchClient;
const openWorkers: RawWorker[] = [];

const uniqueRoom = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;
const uniqueAgent = () => `agent-${randomBytes(4).toString('hex')}`;

async function workerToken(grant: { agent?: boolean; roomAdmin?: boolean }): Promise<string> {
  const at = new AccessToken(livekit.apiKey, livekit.apiSecret);
  at.addGrant(grant);
  return at.toJwt();
}

async function connectWorker(agentName: string, json = false): Promise<RawWorker> {
  const worker = await RawWorker.connect(livekit.wsUrl, await workerToken({ agent: true }), json);
  openWorkers.push(worker);
  await worker.register(agentName);
  return worker;
}

beforeAll(async () => {
  livekit = await startLoopbackLiveKit({ availabilityTimeoutMs: 400 });
  dispatches = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
});
afterEach(() => {
  for (const worker of openWorkers.splice(0)) worker.close();
});
afterAll(async () => {
  await livekit.close();
});

/** The HTTP status the server answered a websocket upgrade with. */
function upgradeStatus(headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${livekit.wsUrl}/agent`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      ws.close();
      reject(new Error('upgrade accepted'));
    });
    ws.on('error', () => undefined);
  });
}

describe('/agent handshake', () => {
  it('refuses a token without the agent grant, and bad tokens, with 401', async () => {
    const noAgent = await workerToken({ roomAdmin: true });
    expect(await upgradeStatus({ Authorization: `Bearer ${noAgent}` })).toEqual({
      status: 401,
      body: 'no permissions to access the room',
    });
    expect((await upgradeStatus({})).status).toBe(401);
    const wrongSecret = await new AccessToken(livekit.apiKey, 'wrong').toJwt();
    expect((await upgradeStatus({ Authorization: `Bearer ${wrongSecret}` })).status).toBe(401);
  });

  it('answers register with an AW_ worker id and server info, and ping with pong', async () => {
    const worker = await RawWorker.connect(livekit.wsUrl, await workerToken({ agent: true }));
    openWorkers.push(worker);
    worker.send(new WorkerMessage({ message: { case: 'ping', value: { timestamp: 123n } } }));
    expect((await worker.next('pong')).lastTimestamp).toBe(123n);

    worker.send(
      new WorkerMessage({
        message: {
          case: 'register',
          value: { agentName: 'raw-agent', type: JobType.JT_ROOM, version: '9' },
        },
      }),
    );
    const registered = await worker.next('register');
    expect(registered.workerId).toMatch(/^AW_/);
    expect(registered.serverInfo).toMatchObject({ protocol: 16, agentProtocol: 1 });
    const tracked = await livekit.waitForWorker('raw-agent');
    expect(tracked).toMatchObject({
      id: registered.workerId,
      version: '9',
      status: WorkerStatus.WS_AVAILABLE,
    });
  });

  it('closes a connection whose first message is not register', async () => {
    const worker = await RawWorker.connect(livekit.wsUrl, await workerToken({ agent: true }));
    worker.send(new WorkerMessage({ message: { case: 'updateWorker', value: { load: 0.5 } } }));
    await expect(worker.next('register', 2_000)).rejects.toThrow();
    expect(worker.closed).toBe(true);
  });

  it('speaks protobuf JSON to a worker that sends text frames', async () => {
    const worker = await RawWorker.connect(livekit.wsUrl, await workerToken({ agent: true }), true);
    openWorkers.push(worker);
    expect(await worker.register('json-agent')).toMatch(/^AW_/);
  });

  it('tracks updateWorker load and status', async () => {
    const agentName = uniqueAgent();
    const worker = await connectWorker(agentName);
    worker.send(
      new WorkerMessage({
        message: { case: 'updateWorker', value: { load: 0.25, status: WorkerStatus.WS_FULL } },
      }),
    );
    await expect
      .poll(() => livekit.workers.find((w) => w.agentName === agentName)?.load)
      .toBe(0.25);
    expect(livekit.workers.find((w) => w.agentName === agentName)?.status).toBe(
      WorkerStatus.WS_FULL,
    );
  });
});

describe('job placement', () => {
  it('offers the dispatch as a job and records the acceptance', async () => {
    const agentName = uniqueAgent();
    const worker = await connectWorker(agentName);
    const room = uniqueRoom('agent');
    const dispatch = await dispatches.createDispatch(room, agentName, { metadata: '{"m":1}' });
    const request = await worker.answer(true, {
      identity: 'agent-1',
      name: 'Agent One',
      attributes: { version: '3' },
    });
    expect(request.job).toMatchObject({
      dispatchId: dispatch.id,
      agentName,
      metadata: '{"m":1}',
      type: JobType.JT_ROOM,
      room: { name: room },
      state: { status: JobStatus.JS_RUNNING },
    });
    expect(request.job?.id).toMatch(/^AJ_/);

    const outcome = await livekit.waitForDispatchOutcome(dispatch.id);
    expect(outcome).toMatchObject({ status: 'accepted', jobId: request.job?.id, room, agentName });
    expect(outcome.accepted).toMatchObject({
      available: true,
      participantIdentity: 'agent-1',
      participantName: 'Agent One',
      participantAttributes: { version: '3' },
      workerId: livekit.workers.find((w) => w.agentName === agentName)?.id,
    });
    // ListDispatch shows the job on the dispatch.
    const listed = await dispatches.getDispatch(dispatch.id, room);
    expect(listed?.state?.jobs.map((j) => j.id)).toEqual([request.job?.id]);
    // No assignment by default: there is no SFU to join.
    await expect(worker.next('assignment', 300)).rejects.toThrow();
  });

  it('records no_worker when nobody serves the agent name', async () => {
    const dispatch = await dispatches.createDispatch(uniqueRoom('none'), uniqueAgent());
    expect(await livekit.waitForDispatchOutcome(dispatch.id)).toMatchObject({
      status: 'no_worker',
      jobId: undefined,
      answers: [],
    });
  });

  it('tries the next worker after a rejection, and records rejected when all decline', async () => {
    const agentName = uniqueAgent();
    const first = await connectWorker(agentName);
    const second = await connectWorker(agentName);
    const room = uniqueRoom('two');
    const dispatch = await dispatches.createDispatch(room, agentName);
    const answered = await Promise.all([first.answer(false), second.answer(false)]);
    expect(answered[0].job?.id).toBe(answered[1].job?.id);
    const outcome = await livekit.waitForDispatchOutcome({ room, agentName });
    expect(outcome.dispatchId).toBe(dispatch.id);
    expect(outcome.status).toBe('rejected');
    expect(outcome.answers.map((a) => a.available)).toEqual([false, false]);
    expect(new Set(outcome.answers.map((a) => a.workerId)).size).toBe(2);
  });

  it('places the job on the worker that accepts after another declined', async () => {
    const agentName = uniqueAgent();
    const decliner = await connectWorker(agentName);
    const accepter = await connectWorker(agentName);
    const room = uniqueRoom('retry');
    await dispatches.createDispatch(room, agentName);
    void decliner.answer(false).catch(() => undefined);
    void accepter.answer(true, { identity: 'taker' }).catch(() => undefined);
    const outcome = await livekit.waitForDispatchOutcome({ room });
    expect(outcome.status).toBe('accepted');
    expect(outcome.accepted?.participantIdentity).toBe('taker');
    expect(outcome.answers.at(-1)?.available).toBe(true);
    expect(outcome.answers.slice(0, -1).every((a) => !a.available)).toBe(true);
  });

  it('skips full workers', async () => {
    const agentName = uniqueAgent();
    const worker = await connectWorker(agentName);
    worker.send(
      new WorkerMessage({
        message: { case: 'updateWorker', value: { status: WorkerStatus.WS_FULL } },
      }),
    );
    await expect
      .poll(() => livekit.workers.find((w) => w.agentName === agentName)?.status)
      .toBe(WorkerStatus.WS_FULL);
    const dispatch = await dispatches.createDispatch(uniqueRoom('full'), agentName);
    expect(await livekit.waitForDispatchOutcome(dispatch.id)).toMatchObject({
      status: 'no_worker',
      reason: 'no workers with sufficient capacity',
    });
  });

  it('gives up when the worker does not answer in time', async () => {
    const agentName = uniqueAgent();
    const silent = await connectWorker(agentName);
    const dispatch = await dispatches.createDispatch(uniqueRoom('silent'), agentName);
    await silent.next('availability');
    const outcome = await livekit.waitForDispatchOutcome(dispatch.id);
    expect(outcome).toMatchObject({
      status: 'rejected',
      reason: 'agent worker availability timeout',
    });
    expect(outcome.answers[0]?.timedOut).toBe(true);
  });

  it('moves on when a worker disconnects before answering', async () => {
    const agentName = uniqueAgent();
    const leaver = await connectWorker(agentName);
    const dispatch = await dispatches.createDispatch(uniqueRoom('leaver'), agentName);
    await leaver.next('availability');
    leaver.close();
    const outcome = await livekit.waitForDispatchOutcome(dispatch.id);
    expect(outcome.answers[0]?.workerClosed).toBe(true);
    expect(outcome.status).toBe('rejected');
    await expect.poll(() => livekit.workers.some((w) => w.agentName === agentName)).toBe(false);
  });

  it('dispatches the agents of a CreateRoom and terminates the job when the room is deleted', async () => {
    const agentName = uniqueAgent();
    const worker = await connectWorker(agentName);
    const room = uniqueRoom('lifecycle');
    const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    await rooms.createRoom({ name: room, agents: [{ agentName, metadata: 'from-room' } as never] });
    const request = await worker.answer(true, { identity: 'a1' });
    expect(request.job?.metadata).toBe('from-room');
    await livekit.waitForDispatchOutcome({ room, agentName });

    await rooms.deleteRoom(room);
    expect((await worker.next('termination')).jobId).toBe(request.job?.id);
    expect(livekit.jobTerminations.at(-1)).toMatchObject({ jobId: request.job?.id, room });
  });

  it('terminates the job of a deleted dispatch', async () => {
    const agentName = uniqueAgent();
    const worker = await connectWorker(agentName);
    const room = uniqueRoom('deldisp');
    const dispatch = await dispatches.createDispatch(room, agentName);
    const request = await worker.answer(true);
    await livekit.waitForDispatchOutcome(dispatch.id);
    await dispatches.deleteDispatch(dispatch.id, room);
    expect((await worker.next('termination')).jobId).toBe(request.job?.id);
  });
});

describe('assignments (opt-in)', () => {
  it('sends the job with a room token for the accepted identity', async () => {
    const withAssignments = await startLoopbackLiveKit({
      sendAssignments: true,
      assignmentUrl: 'ws://sfu.invalid',
    });
    try {
      const at = new AccessToken(withAssignments.apiKey, withAssignments.apiSecret);
      at.addGrant({ agent: true });
      const worker = await RawWorker.connect(withAssignments.wsUrl, await at.toJwt());
      openWorkers.push(worker);
      await worker.register('assigned');
      const room = uniqueRoom('assign');
      await new AgentDispatchClient(
        withAssignments.httpUrl,
        withAssignments.apiKey,
        withAssignments.apiSecret,
      ).createDispatch(room, 'assigned');
      const request = await worker.answer(true, {
        identity: 'agent-7',
        name: 'Seven',
        attributes: { a: 'b' },
      });
      const assignment = await worker.next('assignment');
      expect(assignment.job?.id).toBe(request.job?.id);
      expect(assignment.url).toBe('ws://sfu.invalid');
      const claims = await new TokenVerifier(
        withAssignments.apiKey,
        withAssignments.apiSecret,
      ).verify(assignment.token);
      expect(claims).toMatchObject({
        sub: 'agent-7',
        name: 'Seven',
        kind: 'agent',
        attributes: { a: 'b', 'lk.agent_name': 'assigned' },
        video: { roomJoin: true, agent: true, room, canPublish: true, canSubscribe: true },
      });
    } finally {
      await withAssignments.close();
    }
  });
});
