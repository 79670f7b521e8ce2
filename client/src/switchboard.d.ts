// Switchboard browser/Node client — public API (the contract; the implementation is switchboard.js).

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'closed';

export type ErrorCode =
  | 'malformed_json' | 'unknown_type' | 'missing_field' | 'invalid_channel' | 'too_many_subscriptions'
  | 'rate_limited' | 'binary_not_supported' | 'unavailable' | 'invalid_field' | 'no_history'
  | 'forbidden' | 'invalid_token'
  // raised by the client itself
  | 'queue_full' | 'too_big' | 'closed' | 'disconnected' | 'unsubscribed' | 'token_unavailable' | 'error';

export class SwitchboardError extends Error {
  readonly code: ErrorCode | string;
  /** true when retrying the same call later (same key) can succeed */
  readonly retryable: boolean;
}

export interface Position { epoch: number; seq: number; }
export interface Member { connection: string; name: string; user?: string; }
export interface Message<T = unknown> {
  channel: string; epoch: number; seq: number; ts: number; from?: Member; data: T;
}
export interface Welcome {
  protocol: string; connection: string; name: string; user?: string; expiresAt?: number;
  heartbeatMs?: number; limits?: { maxMessageBytes?: number; maxSubscriptions?: number; [k: string]: unknown };
}
export interface PublishResult { epoch?: number; seq?: number; duplicate: boolean; }
export interface HistoryPage<T = unknown> { epoch: number; earliest: number; latest: number; messages: Message<T>[]; }

export interface ClientOptions {
  /** one hub URL (ws:// or wss://, ending in /switchboard/ws) or several members, tried in turn */
  url: string | string[];
  /** called before every connection attempt and when the hub says the token expires; null = no token */
  token?: () => string | null | undefined | Promise<string | null | undefined>;
  /** a WebSocket constructor (Node: the `ws` package); default globalThis.WebSocket */
  WebSocket?: unknown;
  /** reconnect backoff: full jitter in [minMs, min(capMs, baseMs * 2^attempt)); defaults 500 / 15000, minMs 50, promptMs 1000, stableMs 10000 */
  backoff?: { baseMs?: number; capMs?: number; promptMs?: number; stableMs?: number; minMs?: number };
  /** application ping on a quiet connection; defaults 20000 / 10000 */
  ping?: { intervalMs?: number; timeoutMs?: number };
  /** publications kept while disconnected (default 100) */
  offlineQueue?: number;
  /** times a publication answered `unavailable` is retried with the same key (default 3) */
  publishRetries?: number;
  /** a connection attempt without the hub's welcome after this long is given up (default 15000) */
  connectTimeoutMs?: number;
  /** random source in [0,1) (tests) */
  random?: () => number;
}

export interface ReconnectingEvent { attempt: number; delayMs: number; at: number; code?: number; reason?: string; }
export interface DisconnectedEvent { code: number; reason: string; wasConnected: boolean; }

export interface ClientEvents {
  state: ConnectionState;
  connecting: { attempt: number; url: string };
  connected: Welcome;
  reconnecting: ReconnectingEvent;
  disconnected: DisconnectedEvent;
  closed: { code?: number; reason?: string; error?: SwitchboardError };
  error: SwitchboardError;
}

export interface SubscribeOptions {
  /** resume from this position (otherwise from where the subscription starts) */
  since?: Position;
  /** deliver up to this many recent messages from history before live ones (default 0) */
  recent?: number;
}

export interface SubscribedEvent { recovered: boolean | undefined; resumed: boolean; epoch?: number; seq?: number; }
export interface UnrecoveredEvent {
  /** 'gone': history no longer holds them; 'unavailable': the store cannot be read now; 'live-only': no history */
  reason: 'gone' | 'unavailable' | 'live-only';
  /** first seq history holds now (when known) */
  earliest?: number; epoch?: number;
  /** the last position this subscription had seen */
  from?: Position | null;
}

export interface SubscriptionEvents {
  message: Message;
  join: Member;
  leave: Member;
  subscribed: SubscribedEvent;
  unrecovered: UnrecoveredEvent;
  error: SwitchboardError;
}

export class Subscription {
  readonly channel: string;
  /** last position delivered to the app */
  readonly position: Position | null;
  /** resolves once the hub first accepted the subscription; rejects with its error */
  readonly ready: Promise<SubscribedEvent>;
  on<K extends keyof SubscriptionEvents>(event: K, listener: (e: SubscriptionEvents[K]) => void): () => void;
  off<K extends keyof SubscriptionEvents>(event: K, listener: (e: SubscriptionEvents[K]) => void): void;
  publish(data: unknown, options?: { key?: string }): Promise<PublishResult>;
  presence(): Promise<Member[]>;
  history(options?: { after?: Position; before?: Position; limit?: number }): Promise<HistoryPage>;
  unsubscribe(): Promise<void>;
}

export class Switchboard {
  constructor(options: ClientOptions);
  readonly state: ConnectionState;
  /** the hub's welcome of the current connection */
  readonly welcome: Welcome | null;
  /** when the next reconnect attempt starts (epoch ms), while reconnecting */
  readonly nextAttemptAt: number | null;
  /** publications waiting for a connection (offline queue), including ones to re-send */
  readonly queued: number;
  on<K extends keyof ClientEvents>(event: K, listener: (e: ClientEvents[K]) => void): () => void;
  off<K extends keyof ClientEvents>(event: K, listener: (e: ClientEvents[K]) => void): void;
  connect(): this;
  /** ends the connection for good; pending publications reject with `closed` */
  close(): void;
  subscribe(channel: string, options?: SubscribeOptions): Subscription;
  subscription(channel: string): Subscription | undefined;
  publish(channel: string, data: unknown, options?: { key?: string }): Promise<PublishResult>;
  presence(channel: string): Promise<Member[]>;
  history(channel: string, options?: { after?: Position; before?: Position; limit?: number }): Promise<HistoryPage>;
}

/** The delay before reconnect attempt `attempt` (0 = first): uniform in [minMs, min(capMs, baseMs * 2^attempt)). */
export function backoffDelay(attempt: number, backoff: { baseMs: number; capMs: number; minMs: number }, random: () => number): number;
