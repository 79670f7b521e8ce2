// Compiled by `npm run check` (test/types/tsconfig.json), never run: it uses the declared API the way
// an application would, so that switchboard.d.ts itself is type-checked and a change that breaks its
// callers fails the check. `@ts-expect-error` lines are misuse that must keep failing to compile.
import {
  Switchboard, Subscription, SwitchboardError,
  type ClientEvents, type ClientOptions, type ConnectionState, type ErrorCode, type HistoryPage, type Member,
  type Message, type Position, type PublishResult, type SubscribedEvent, type UnrecoveredEvent, type Welcome,
} from '../../src/switchboard.js';

interface Chat { text: string }

const options: ClientOptions = {
  url: ['wss://hub-1.example/switchboard/ws', 'wss://hub-2.example/switchboard/ws'],
  token: async () => 'a.jwt.token',
  WebSocket: globalThis.WebSocket,
  backoff: { baseMs: 500, capMs: 30_000, promptMs: 1_000, stableMs: 10_000 },
  ping: { intervalMs: 20_000, timeoutMs: 10_000 },
  offlineQueue: 100,
  publishRetries: 3,
  random: Math.random,
};
const single: ClientOptions = { url: 'ws://127.0.0.1:8080/switchboard/ws', token: () => null };

const hub: Switchboard = new Switchboard(options).connect();
new Switchboard(single).close();

const state: ClientEvents['state'] = hub.state;
const welcome: Welcome | null = hub.welcome;
const heartbeat: number | undefined = welcome?.heartbeatMs;
const maxBytes: number | undefined = welcome?.limits?.maxMessageBytes;
const next: number | null = hub.nextAttemptAt;

const stopState: () => void = hub.on('state', (s: ConnectionState) => void s);
hub.on('connecting', ({ attempt, url }) => void [attempt.toFixed(), url.toUpperCase()]);
hub.on('connected', (w: Welcome) => void w.connection.length);
hub.on('reconnecting', ({ attempt, delayMs, at, code, reason }) => void [attempt, delayMs, at, code, reason]);
hub.on('disconnected', ({ code, reason, wasConnected }) => void [code, reason, wasConnected]);
hub.on('closed', ({ code, reason, error }) => void [code, reason, error?.code]);
const onError = (e: SwitchboardError) => void [e.code, e.retryable, e.message];
hub.on('error', onError);
hub.off('error', onError);
stopState();

const sub: Subscription = hub.subscribe('room.lobby', { since: { epoch: 1, seq: 41 }, recent: 20 });
hub.subscribe('room.other');
const same: Subscription | undefined = hub.subscription('room.lobby');
const channel: string = sub.channel;
const position: Position | null = sub.position;

sub.on('message', (m: Message) => {
  const from: Member | undefined = m.from;
  void [m.channel, m.epoch, m.seq, m.ts, from?.name, from?.user, m.data];
});
sub.on('join', (m: Member) => void m.connection);
sub.on('leave', (m: Member) => void m.name);
sub.on('subscribed', ({ recovered, resumed, epoch, seq }: SubscribedEvent) => void [recovered, resumed, epoch, seq]);
sub.on('unrecovered', (e: UnrecoveredEvent) => {
  const reason: 'gone' | 'unavailable' | 'live-only' = e.reason;
  void [reason, e.earliest, e.epoch, e.from?.seq];
});
sub.on('error', (e) => void e.retryable);

async function use(): Promise<void> {
  const ready: SubscribedEvent = await sub.ready;
  const result: PublishResult = await sub.publish({ text: 'hi' } satisfies Chat, { key: 'k-1' });
  const direct: PublishResult = await hub.publish('room.lobby', { text: 'hi' }, { key: 'k-2' });
  const members: Member[] = await sub.presence();
  const others: Member[] = await hub.presence('room.other');
  const page: HistoryPage = await sub.history({ before: { epoch: 1, seq: 100 }, limit: 50 });
  const older: HistoryPage = await hub.history('room.lobby', { after: { epoch: 1, seq: 0 } });
  const typed: HistoryPage<Chat> = { epoch: 1, earliest: 1, latest: 1, messages: [] };
  const texts: string[] = typed.messages.map((m: Message<Chat>) => m.data.text);
  void [ready, result.duplicate, result.seq, direct.epoch, members, others, page.latest, older.messages, texts];
  await sub.unsubscribe();

  try {
    await hub.publish('room.lobby', 1);
  } catch (e) {
    if (e instanceof SwitchboardError) {
      const code: ErrorCode | string = e.code;
      const err: Error = e;
      void [code, err];
    }
  }
}
void use;

// misuse the declarations must reject
// @ts-expect-error no such client event
hub.on('message', () => {});
// @ts-expect-error no such subscription event
sub.on('connected', () => {});
// @ts-expect-error the state event carries a ConnectionState, not a number
hub.on('state', (s: number) => void s);
// @ts-expect-error url is required
new Switchboard({});
// @ts-expect-error a publish result is a promise
const notAwaited: PublishResult = hub.publish('room.lobby', {});
// @ts-expect-error readonly
sub.channel = 'x';
// @ts-expect-error unrecovered reasons are a closed set
const badReason: UnrecoveredEvent['reason'] = 'later';

void [state, heartbeat, maxBytes, next, same, channel, position, notAwaited, badReason];
