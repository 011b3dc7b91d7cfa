import type { Clock, ClockTimer } from '../common/clock.ts';
import type { Disposable } from '../common/disposable.ts';
import type { Event } from '../common/event.ts';
import { MQTT_DEFAULTS, type MqttConfig } from '../config/mqtt-config.ts';
import type { MqttEvent } from '../events/events.ts';
import type { JobView } from '../line/job-board.ts';
import type { AxisDetail } from '../supervisor/detail.ts';
import type { CycleReport } from '../supervisor/supervisor.ts';
import {
  type CommandTarget,
  type HostCommand,
  type ReadCommand,
  readDeviceCommands,
  readNodeCommands,
  runHostCommand,
  whyNotAllowed,
} from './host-commands.ts';
import {
  BD_SEQ,
  LastReported,
  REBIRTH,
  deadbandsOf,
  deviceCommandMetrics,
  deviceMetrics,
  nodeMetrics,
  reachable,
  type AxisView,
  type Deadbands,
} from './line-metrics.ts';
import { decodePayload, encodePayload, type Metric } from './payload.ts';
import { deviceTopic, nodeTopic, parseIncoming, stateTopic, type EdgeNodeId } from './topics.ts';

/** One MQTT connection to one broker, as the edge node uses it. */
export interface BrokerSession {
  /** Never retained: an edge node retains nothing (Sparkplug 3.0). */
  publish(topic: string, payload: Uint8Array, qos: 0 | 1): void;
  subscribe(topics: readonly string[]): void;
  /** Closes the connection cleanly (the broker drops the Will) once what was published is sent. */
  end(): Promise<void>;
}

export interface BrokerHandlers {
  onConnect(): void;
  onMessage(topic: string, payload: Uint8Array): void;
  /** The connection failed or closed; called once. */
  onClose(why: string): void;
}

/** Opens one clean MQTT session to `server` with `will` as its Will (QoS 1, not retained). */
export type ConnectBroker = (
  server: string,
  will: { readonly topic: string; readonly payload: Uint8Array },
  handlers: BrokerHandlers,
) => BrokerSession;

/** The line the node publishes, and the operator its hosts' commands go to. */
export interface EdgeLine {
  readonly axisIds: readonly string[];
  axisDetail(axisId: string): AxisDetail;
  jobs(): JobView[];
  readonly onCycle: Event<CycleReport>;
  readonly stalls: { readonly stallCount: number; readonly longestStallMs: number };
  /** The line is shutting down (holding every axis): nothing but a hold is taken from a host any more. */
  stopping(): boolean;
  readonly commands: CommandTarget;
}

export interface EdgeNodeOptions {
  readonly config: MqttConfig;
  readonly line: EdgeLine;
  readonly connect: ConnectBroker;
  /** Drives the report timer and reconnects; the journal's time. */
  readonly clock: Clock;
  /** UTC ms since the epoch, for Sparkplug timestamps (the Clock is monotonic, not wall time). */
  readonly wallMs: () => number;
  readonly emit: (event: MqttEvent) => void;
}

type Phase = 'stopped' | 'connecting' | 'waiting_host' | 'online';

/**
 * The controller as a Sparkplug B 3.0 edge node, each axis a device. Per MQTT session: a Will that
 * is the NDEATH with a new bdSeq; subscriptions to NCMD, each axis's DCMD and (with a primary host)
 * its STATE; NBIRTH (seq 0) and a DBIRTH per reachable axis, once the primary host is online; then,
 * every `minIntervalMs`, NDATA/DDATA with what changed, DDEATH when an axis's drive becomes
 * unreachable and DBIRTH when it is back. A rebirth request re-births on the same session; the
 * primary host going offline, or the connection dropping, starts a new session on the next server.
 *
 * Nothing here runs in the supervision cycle or makes it wait: the node reads the line on its own
 * timer and publishes without waiting for the broker. While the broker is away nothing is queued
 * (the journal keeps every event); the next session births the line as it stands.
 */
export class EdgeNode {
  private phase: Phase = 'stopped';
  private session: BrokerSession | undefined;
  private serverIndex = 0;
  private bdSeq = -1;
  private seq = 0;
  private retryMs: number;
  private retryTimer: ClockTimer | undefined;
  private reportTimer: ClockTimer | undefined;
  /** The newest STATE timestamp of the primary host seen in this session. */
  private hostStateMs: number | undefined;
  private readonly node = new LastReported();
  private readonly devices = new Map<string, { readonly reported: LastReported; born: boolean }>();
  private readonly lastCommand = new Map<string, string>();
  private cycleMaxMs = 0;
  private readonly subscriptions: Disposable[] = [];
  private readonly id: EdgeNodeId;
  private readonly deadbands: Deadbands;
  private readonly axisSet: ReadonlySet<string>;

  constructor(private readonly options: EdgeNodeOptions) {
    this.id = { groupId: options.config.groupId, edgeNodeId: options.config.edgeNodeId };
    this.deadbands = deadbandsOf(options.config.deadbands);
    this.axisSet = new Set(options.line.axisIds);
    this.retryMs = RECONNECT_FIRST_MS;
    for (const axis of options.line.axisIds) this.devices.set(axis, { reported: new LastReported(), born: false });
  }

  /** Connects to the first server; returns at once (the supervision never waits for the broker). */
  start(): void {
    if (this.phase !== 'stopped') return;
    const { line } = this.options;
    this.subscriptions.push(
      line.onCycle((c) => {
        this.cycleMaxMs = Math.max(this.cycleMaxMs, c.durationMs);
      }),
    );
    this.connect();
  }

  /** Publishes NDEATH (the session ends on purpose: no Will) and closes the connection. */
  async stop(): Promise<void> {
    const session = this.session;
    const wasLive = this.phase === 'online' || this.phase === 'waiting_host';
    this.phase = 'stopped';
    this.session = undefined;
    this.retryTimer?.dispose();
    this.reportTimer?.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    if (!session) return;
    if (wasLive) session.publish(nodeTopic(this.id, 'NDEATH'), this.deathPayload(), 1);
    await session.end();
  }

  private get server(): string {
    return this.options.config.servers[this.serverIndex]!;
  }

  private report(state: Extract<MqttEvent, { type: 'mqtt' }>['state'], detail?: string): void {
    this.options.emit({
      type: 'mqtt',
      atMs: this.options.clock.now(),
      server: this.server,
      state,
      bdSeq: this.bdSeq,
      ...(detail ? { detail } : {}),
    });
  }

  /** A new MQTT session: a new bdSeq, carried by its Will (the NDEATH) and by the NBIRTH that follows. */
  private connect(): void {
    this.phase = 'connecting';
    this.bdSeq = (this.bdSeq + 1) % 256;
    this.hostStateMs = undefined;
    const will = { topic: nodeTopic(this.id, 'NDEATH'), payload: this.deathPayload() };
    this.report('connecting');
    const session: BrokerSession = this.options.connect(this.server, will, {
      onConnect: () => this.onConnect(session),
      onMessage: (topic, payload) => {
        if (session === this.session) this.onMessage(topic, payload);
      },
      onClose: (why) => this.onClose(session, why),
    });
    this.session = session;
  }

  private deathPayload(): Uint8Array {
    return encodePayload({ timestamp: this.options.wallMs(), metrics: [{ name: BD_SEQ, type: 'Int64', value: this.bdSeq }] });
  }

  private onConnect(session: BrokerSession): void {
    if (session !== this.session) return;
    this.retryMs = RECONNECT_FIRST_MS;
    this.report('connected');
    const host = this.options.config.primaryHostId;
    // Before the birth, so that a rebirth request or a host's STATE is never missed.
    session.subscribe([
      nodeTopic(this.id, 'NCMD'),
      ...this.options.line.axisIds.map((axis) => deviceTopic(this.id, 'DCMD', axis)),
      ...(host ? [stateTopic(host)] : []),
    ]);
    if (host) {
      this.phase = 'waiting_host';
      this.report('waiting_host', `for STATE online of primary host '${host}'`);
    } else this.birth();
  }

  private onClose(session: BrokerSession, why: string): void {
    if (session !== this.session || this.phase === 'stopped') return;
    this.session = undefined;
    this.reportTimer?.dispose();
    this.reportTimer = undefined;
    this.report('disconnected', `${why}; next attempt in ${this.retryMs} ms`);
    this.nextServer();
  }

  /** The next server in the list, after the backoff (Sparkplug's walk to the next server). */
  private nextServer(): void {
    this.serverIndex = (this.serverIndex + 1) % this.options.config.servers.length;
    this.phase = 'connecting';
    this.retryTimer?.dispose();
    this.retryTimer = this.options.clock.setTimer(() => this.connect(), this.retryMs);
    this.retryTimer.keepAlive(false);
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) % 256;
    return seq;
  }

  private publish(topic: string, metrics: readonly Metric[]): void {
    this.session?.publish(topic, encodePayload({ timestamp: this.options.wallMs(), seq: this.nextSeq(), metrics }), 0);
  }

  /** NBIRTH (seq 0, this session's bdSeq), then a DBIRTH per reachable axis; data follows on the report timer. */
  private birth(): void {
    this.phase = 'online';
    this.seq = 0;
    const views = this.axisViews();
    const node = nodeMetrics(this.lineView(views));
    this.node.born(node);
    this.publish(nodeTopic(this.id, 'NBIRTH'), [
      { name: BD_SEQ, type: 'Int64', value: this.bdSeq },
      { name: REBIRTH, type: 'Boolean', value: false },
      ...node,
    ]);
    for (const [axis, view] of views) {
      this.devices.get(axis)!.born = false;
      if (reachable(view)) this.deviceBirth(axis, view);
    }
    this.report('online');
    this.reportTimer?.dispose();
    this.armReport();
  }

  /** The next report by exception, minIntervalMs from now; the timer never keeps the process alive. */
  private armReport(): void {
    this.reportTimer = this.options.clock.setTimer(() => this.reportChanges(), this.options.config.minIntervalMs);
    this.reportTimer.keepAlive(false);
  }

  private deviceBirth(axis: string, view: AxisView): void {
    const device = this.devices.get(axis)!;
    const metrics = deviceMetrics(view);
    device.reported.born(metrics);
    device.born = true;
    this.publish(deviceTopic(this.id, 'DBIRTH', axis), [...metrics, ...deviceCommandMetrics()]);
  }

  /** Report by exception, at most once per minIntervalMs: what changed, deaths and births of devices. */
  private reportChanges(): void {
    if (this.phase !== 'online') return;
    const views = this.axisViews();
    const node = this.node.changed(nodeMetrics(this.lineView(views)), this.deadbands);
    this.cycleMaxMs = 0;
    if (node.length > 0) this.publish(nodeTopic(this.id, 'NDATA'), node);
    for (const [axis, view] of views) {
      const device = this.devices.get(axis)!;
      const up = reachable(view);
      if (device.born && !up) {
        device.born = false;
        this.publish(deviceTopic(this.id, 'DDEATH', axis), []);
      } else if (!device.born && up) this.deviceBirth(axis, view);
      else if (device.born) {
        const changed = device.reported.changed(deviceMetrics(view), this.deadbands);
        if (changed.length > 0) this.publish(deviceTopic(this.id, 'DDATA', axis), changed);
      }
    }
    this.armReport();
  }

  /** Every axis as the node publishes it, read once per report (the node's and the devices' metrics share it). */
  private axisViews(): Map<string, AxisView> {
    const { line } = this.options;
    return new Map(line.axisIds.map((axis) => [axis, { detail: line.axisDetail(axis), lastCommand: this.lastCommand.get(axis) ?? '' }]));
  }

  private lineView(views: ReadonlyMap<string, AxisView>) {
    const { line } = this.options;
    let axesTripped = 0;
    for (const view of views.values()) if (view.detail.breaker.state !== 'closed') axesTripped++;
    return {
      jobs: line.jobs(),
      axesTripped,
      stalls: line.stalls.stallCount,
      longestStallMs: line.stalls.longestStallMs,
      cycleMaxMs: Math.round(this.cycleMaxMs),
      lastCommand: this.lastCommand.get(NODE) ?? '',
    };
  }

  private onMessage(topic: string, payload: Uint8Array): void {
    const incoming = parseIncoming(this.id, topic);
    if (!incoming) return;
    if (incoming.kind === 'STATE') return this.onHostState(incoming.hostId, payload);
    const by = `mqtt ${incoming.kind} via ${this.server}`;
    const target = incoming.kind === 'DCMD' ? incoming.deviceId : NODE;
    let reads: ReadCommand[];
    try {
      const { metrics } = decodePayload(payload);
      reads = incoming.kind === 'NCMD' ? readNodeCommands(metrics) : readDeviceCommands(incoming.deviceId, this.axisSet, metrics);
      if (reads.length === 0) reads = [{ ok: false, reason: 'a command message without metrics' }];
    } catch (error) {
      reads = [{ ok: false, reason: `not a Sparkplug B payload (${(error as Error).message})` }];
    }
    for (const read of reads) void this.command(read, by, target);
  }

  private async command(read: ReadCommand, by: string, target: string): Promise<void> {
    const axis = target === NODE ? undefined : target;
    const tell = (command: string, outcome: 'ok' | 'refused' | 'failed', detail: string) => {
      this.lastCommand.set(target, outcome === 'ok' ? detail : `${outcome}: ${detail}`);
      this.options.emit({ type: 'host_command', atMs: this.options.clock.now(), by, command, ...(axis ? { axis } : {}), outcome, detail });
    };
    if (!read.ok) return tell('unknown', 'refused', read.reason);
    const { command } = read;
    const refused = whyNotAllowed(command, this.options.config.commands);
    if (refused) return tell(command.kind, 'refused', refused);
    if (command.kind !== 'hold' && command.kind !== 'rebirth' && this.options.line.stopping())
      return tell(command.kind, 'refused', 'the line is shutting down: every axis is being held');
    if (command.kind === 'rebirth') {
      if (this.phase !== 'online') return tell('rebirth', 'refused', `not born yet (${this.phase.replace('_', ' ')})`);
      this.birth();
      return tell('rebirth', 'ok', 'NBIRTH and DBIRTHs sent again');
    }
    try {
      tell(command.kind, 'ok', await runHostCommand(command as Exclude<HostCommand, { kind: 'rebirth' }>, this.options.line.commands, by));
    } catch (error) {
      tell(command.kind, 'refused', (error as Error).message);
    }
  }

  /**
   * The primary host's STATE (JSON `{online, timestamp}`): online, not older than the last one seen,
   * lets the births go out; offline, not older, ends the session (NDEATH first) for the next server.
   * An older one is a stale Will of an earlier host session and changes nothing.
   */
  private onHostState(hostId: string, payload: Uint8Array): void {
    if (hostId !== this.options.config.primaryHostId) return;
    let state: { online?: unknown; timestamp?: unknown };
    try {
      state = JSON.parse(new TextDecoder().decode(payload)) as typeof state;
    } catch {
      return this.report(this.phase === 'online' ? 'online' : 'waiting_host', `ignored a STATE of '${hostId}' that is not JSON`);
    }
    if (typeof state.online !== 'boolean' || typeof state.timestamp !== 'number') return;
    if (this.hostStateMs !== undefined && state.timestamp < this.hostStateMs) return;
    this.hostStateMs = state.timestamp;
    if (state.online) {
      if (this.phase === 'waiting_host') this.birth();
      return;
    }
    const session = this.session;
    if (!session) return;
    this.report('host_offline', `primary host '${hostId}' went offline; NDEATH, then the next server`);
    session.publish(nodeTopic(this.id, 'NDEATH'), this.deathPayload(), 1);
    this.session = undefined;
    this.reportTimer?.dispose();
    void session.end();
    this.nextServer();
  }
}

/** The key of the node's own Last Result (axes use their ids). */
const NODE = '';
const RECONNECT_FIRST_MS = MQTT_DEFAULTS.reconnectMs.first;
const RECONNECT_MAX_MS = MQTT_DEFAULTS.reconnectMs.max;
