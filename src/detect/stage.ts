/**
 * The streaming detection stage of `vigil serve`: committed batches go to a worker thread that owns the
 * compiled rules and correlation state; its matches come back and are written as alerts here, through
 * the AlertStore port. The main thread only clones events out and writes alerts.
 *
 * Every pushed event is detected exactly once: a batch is sent to one worker and its result written
 * once. A worker that dies is replaced and its unanswered batches are re-run (correlation windows
 * restart with it); a rule reload compiles in a new worker while the old one keeps detecting, then new
 * batches go to the new one and the old one finishes what it was given.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { VigilError, errorMessage } from '../core/errors.js';
import type { Alert, AlertStore } from '../storage/ports.js';
import { DEFAULT_GROUP_WINDOW_MS, writeAlert, type AlertFilter } from './alert-writer.js';
import type { FromWorker, LoadReport, RuntimeOptions, StageEvent, ToWorker, WorkerInit } from './types.js';

export interface DetectionStageOptions extends RuntimeOptions {
  /** Rule files and folders. */
  rules: string[];
  alerts: AlertStore;
  /** Runs a batch's alert writes atomically (Stores.transaction); default: none. */
  transaction?: <T>(fn: () => T) => T;
  /** Events pushed but not yet written beyond which `push` answers false (behind). Default 20,000. */
  maxInFlight?: number;
  /** Same rule + group key within this many ms counts on one alert. Default 10 minutes. */
  groupWindowMs?: number;
  /**
   * Worker deaths on a batch before it is given up (default 3). From the second death a batch is re-run
   * one event at a time, so only the event that kills workers is given up.
   */
  maxAttempts?: number;
  /** Worker heap limits; a worker over them dies and is replaced. */
  resourceLimits?: ResourceLimits;
  clock?: () => number;
  /** Per event, ms from its receipt to its batch's alerts being written (matched or not). */
  onLatency?: (ms: number) => void;
  /**
   * Tuning hook (suppressions, rule exceptions), run inside the batch's write transaction: returns the
   * part of an occurrence to alert, or null when it holds all of it (it records what it holds itself).
   * `eventOf` gives the batch's own events.
   */
  filter?: AlertFilter;
  /** After each alert write: a new alert, or one with a higher count (several occurrences of one batch in one write). */
  onAlert?: (alert: Alert, created: boolean) => void;
  /** Alert writes that failed, batches given up, workers that died. Never carries event contents. */
  onError?: (err: VigilError) => void;
  /** A worker died and was replaced; `rerun` events go to the new one. */
  onRestart?: (info: { reason: string; rerun: number }) => void;
  /** Each worker thread as it starts (diagnostics: its threadId, resource usage). */
  onWorker?: (worker: Worker) => void;
}

export interface DetectionStats {
  pushed: number;
  /** Events whose results are written. */
  detected: number;
  alertsCreated: number;
  /** Occurrences counted on an existing alert (or on one created in the same batch). */
  alertsGrouped: number;
  /** Occurrences held back by the filter (suppressed or excepted; kept apart, not alerted). */
  alertsHeld: number;
  /** Events the engine threw on (skipped). */
  engineFailures: number;
  /** Events given up after maxAttempts worker deaths. */
  failedEvents: number;
  writeFailures: number;
  restarts: number;
  reloads: number;
  depth: number;
  rules: { loaded: number; correlations: number; errors: number };
}

interface Batch {
  seq: number;
  events: StageEvent[];
  attempts: number;
  tick?: boolean;
}

type RunnerState = 'loading' | 'ready' | 'retiring' | 'dead';

interface Runner {
  worker: Worker;
  paths: string[];
  state: RunnerState;
  inflight: Map<number, Batch>;
  ready: Promise<Omit<LoadReport, 'applied'>>;
}

const MAX_RESTART_DELAY_MS = 5_000;

export class DetectionStage {
  private readonly windowMs: number;
  private readonly maxInFlight: number;
  private readonly maxAttempts: number;
  private readonly clock: () => number;
  private readonly transaction: <T>(fn: () => T) => T;
  private paths: string[];
  private current: Runner | null = null;
  private readonly runners = new Set<Runner>();
  /** Batches waiting for a worker (after a crash, until the replacement exists), in seq order. */
  private pending: Batch[] = [];
  private seq = 0;
  private inFlight = 0;
  private crashesInARow = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private tickInFlight = false;
  private reloading: Promise<unknown> = Promise.resolve();
  private waiters: { below: number; resolve: () => void }[] = [];
  private closed = false;
  private lastReport: Omit<LoadReport, 'applied'> = { loaded: 0, files: 0, correlations: 0, errors: [] };
  private readonly counters = {
    pushed: 0, detected: 0, alertsCreated: 0, alertsGrouped: 0, alertsHeld: 0, engineFailures: 0,
    failedEvents: 0, writeFailures: 0, restarts: 0, reloads: 0,
  };

  constructor(private readonly options: DetectionStageOptions) {
    this.paths = [...options.rules];
    this.windowMs = options.groupWindowMs ?? DEFAULT_GROUP_WINDOW_MS;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 20_000);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.clock = options.clock ?? Date.now;
    this.transaction = options.transaction ?? ((fn) => fn());
  }

  /** Starts the first worker and resolves once its rules are compiled. Events pushed before then wait in the worker. */
  async start(): Promise<LoadReport> {
    if (this.current || this.closed) throw new VigilError('detect.stage.started', 'the detection stage is already started or closed');
    const runner = this.spawn(this.paths);
    this.current = runner;
    this.drainPending();
    let report: Omit<LoadReport, 'applied'>;
    try {
      report = await runner.ready;
    } catch (err) {
      await this.close(0);
      throw new VigilError('detect.start', `detection worker failed to start: ${errorMessage(err)}`, {}, { cause: err });
    }
    this.lastReport = report;
    const interval = this.options.flushIntervalMs ?? 1_000;
    this.tickTimer = setInterval(() => this.tick(), interval);
    this.tickTimer.unref();
    return { ...report, applied: true };
  }

  /** Events pushed and not yet written. */
  get depth(): number {
    return this.inFlight;
  }

  /** True at or above maxInFlight: the caller should hold back (429, pause the socket) until `waitForCapacity`. */
  get behind(): boolean {
    return this.inFlight >= this.maxInFlight;
  }

  /**
   * Hands committed events to detection. Never refuses them (they are stored already); answers false
   * when the stage is now behind, like a stream's write().
   */
  push(events: readonly StageEvent[]): boolean {
    if (this.closed) throw new VigilError('detect.stage.closed', 'the detection stage is closed');
    if (events.length > 0) {
      this.counters.pushed += events.length;
      this.inFlight += events.length;
      this.dispatch({ seq: ++this.seq, events: [...events], attempts: 0 });
    }
    return !this.behind;
  }

  /** Resolves once fewer than maxInFlight events are in flight. */
  waitForCapacity(): Promise<void> {
    return this.waitBelow(this.maxInFlight);
  }

  /** Resolves once every pushed event is detected and its alerts written (or given up). */
  idle(): Promise<void> {
    return this.waitBelow(1);
  }

  /**
   * Loads and compiles `paths` in a new worker while the current one keeps detecting, then swaps.
   * A set with errors still loads its good rules; a set where nothing loads keeps the old rules.
   * Reloads run one at a time.
   */
  reload(paths: string[]): Promise<LoadReport> {
    const run = this.reloading.then(() => this.doReload([...paths]));
    this.reloading = run.catch(() => {});
    return run;
  }

  stats(): DetectionStats {
    const r = this.lastReport;
    return { ...this.counters, depth: this.inFlight, rules: { loaded: r.loaded, correlations: r.correlations, errors: r.errors.length } };
  }

  /** Waits up to `timeoutMs` for in-flight events, then stops the workers. Resolves with the events left undetected. */
  async close(timeoutMs = 10_000): Promise<number> {
    if (this.closed) return this.inFlight;
    this.closed = true;
    clearInterval(this.tickTimer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((ok) => { timer = setTimeout(ok, timeoutMs); })]);
    clearTimeout(timer);
    clearTimeout(this.restartTimer);
    await this.reloading;
    const left = this.inFlight;
    await Promise.all([...this.runners].map((r) => this.stop(r)));
    return left;
  }

  private async doReload(paths: string[]): Promise<LoadReport> {
    if (this.closed) throw new VigilError('detect.stage.closed', 'the detection stage is closed');
    this.counters.reloads++;
    const candidate = this.spawn(paths);
    let report: Omit<LoadReport, 'applied'>;
    try {
      report = await candidate.ready;
    } catch (err) {
      return { loaded: 0, files: 0, correlations: 0, errors: [{ code: 'detect.reload.failed', message: `rule worker failed to load: ${errorMessage(err)}` }], applied: false };
    }
    if (this.closed || (report.loaded === 0 && report.errors.length > 0)) {
      await this.stop(candidate);
      return { ...report, applied: false };
    }
    const old = this.current;
    this.current = candidate;
    this.paths = paths;
    this.lastReport = report;
    this.crashesInARow = 0;
    if (old) this.retire(old);
    this.drainPending();
    return { ...report, applied: true };
  }

  private spawn(paths: string[]): Runner {
    const init: WorkerInit = { paths, options: { load: this.options.load, correlation: this.options.correlation, flushIntervalMs: this.options.flushIntervalMs } };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init, resourceLimits: this.options.resourceLimits });
    let resolveReady!: (r: Omit<LoadReport, 'applied'>) => void;
    let rejectReady!: (err: Error) => void;
    const ready = new Promise<Omit<LoadReport, 'applied'>>((ok, fail) => { resolveReady = ok; rejectReady = fail; });
    ready.catch(() => {});
    const runner: Runner = { worker, paths, state: 'loading', inflight: new Map(), ready };
    this.runners.add(runner);
    this.options.onWorker?.(worker);
    worker.on('message', (msg: FromWorker) => {
      if (runner.state === 'dead') return;
      if (msg.type === 'ready') {
        if (runner.state === 'loading') runner.state = 'ready';
        if (runner === this.current) this.crashesInARow = 0;
        resolveReady(msg.report);
      } else this.onResult(runner, msg);
    });
    const died = (reason: string): void => {
      if (runner.state === 'dead') return;
      const wasLoading = runner.state === 'loading';
      rejectReady(new Error(reason));
      this.onDeath(runner, reason, wasLoading);
    };
    worker.on('error', (err) => died(errorMessage(err)));
    worker.on('exit', (code) => died(`worker exited with code ${code}`));
    return runner;
  }

  private dispatch(batch: Batch): void {
    const runner = this.current;
    if (!runner || this.pending.length > 0) {
      insertBySeq(this.pending, batch);
      return;
    }
    runner.inflight.set(batch.seq, batch);
    let msg: ToWorker;
    if (batch.tick) msg = { type: 'tick', seq: batch.seq };
    else {
      const json = encodeBatch(batch.events);
      msg = json === undefined ? { type: 'detect', seq: batch.seq, events: batch.events } : { type: 'detect', seq: batch.seq, json };
    }
    runner.worker.postMessage(msg);
  }

  private drainPending(): void {
    if (!this.current) return;
    const batches = this.pending;
    this.pending = [];
    for (const b of batches) this.dispatch(b);
  }

  private tick(): void {
    if (this.tickInFlight || this.inFlight > 0 || this.lastReport.correlations === 0 || this.current?.state !== 'ready') return;
    this.tickInFlight = true;
    this.dispatch({ seq: ++this.seq, events: [], attempts: 0, tick: true });
  }

  private onResult(runner: Runner, msg: Extract<FromWorker, { type: 'result' }>): void {
    const batch = runner.inflight.get(msg.seq);
    // A batch re-run elsewhere after its worker died is answered there only.
    if (!batch) return;
    runner.inflight.delete(msg.seq);
    if (batch.tick) this.tickInFlight = false;
    this.counters.engineFailures += msg.failures;
    const at = batch.events.reduce((m, e) => Math.max(m, e.receivedAt), batch.tick ? this.clock() : 0);
    const written: [Alert, boolean, number][] = [];
    let held = 0;
    const filter = this.options.filter;
    let byId: Map<number, StageEvent> | undefined;
    const eventOf = (id: number): StageEvent | undefined => (byId ??= new Map(batch.events.map((e) => [e.id, e]))).get(id);
    try {
      this.transaction(() => {
        for (const found of msg.alerts) {
          const d = filter ? filter(found, eventOf, at) : found;
          held += found.count - (d?.count ?? 0);
          if (!d) continue;
          const w = writeAlert(this.options.alerts, d, at, this.windowMs);
          written.push([w.alert, w.created, d.count]);
        }
      });
      this.counters.alertsHeld += held;
    } catch (err) {
      written.length = 0;
      this.counters.writeFailures++;
      this.report(new VigilError('detect.alerts.write', `cannot write ${msg.alerts.length} alerts of ${batch.events.length} events: ${errorMessage(err)}`, {}, { cause: err }));
    }
    for (const [alert, created, occurrences] of written) {
      if (created) this.counters.alertsCreated++;
      this.counters.alertsGrouped += created ? occurrences - 1 : occurrences;
      this.options.onAlert?.(alert, created);
    }
    this.finish(batch, true);
    if (runner.state === 'retiring' && runner.inflight.size === 0) void this.stop(runner);
  }

  private finish(batch: Batch, detected: boolean): void {
    const n = batch.events.length;
    if (n === 0) return;
    if (detected) {
      this.counters.detected += n;
      const done = this.clock();
      if (this.options.onLatency) for (const e of batch.events) this.options.onLatency(done - e.receivedAt);
    }
    this.inFlight -= n;
    this.waiters = this.waiters.filter((w) => {
      if (this.inFlight >= w.below) return true;
      w.resolve();
      return false;
    });
  }

  private onDeath(runner: Runner, reason: string, wasLoading: boolean): void {
    runner.state = 'dead';
    this.runners.delete(runner);
    const orphans = [...runner.inflight.values()];
    runner.inflight.clear();
    if (this.closed) {
      for (const b of orphans) this.finish(b, false);
      return;
    }
    const isCurrent = runner === this.current;
    // A reload candidate that dies while loading had no batches; doReload reports it.
    if (!isCurrent && wasLoading && orphans.length === 0) return;
    this.counters.restarts++;
    let rerun = 0;
    // The worker answers in order, so it died on its oldest batch; later ones never started and are not blamed.
    const blamed = orphans.filter((b) => !b.tick).sort((a, b) => a.seq - b.seq)[0];
    for (const b of orphans) {
      if (b.tick) {
        this.tickInFlight = false;
        continue;
      }
      if (b === blamed) b.attempts++;
      if (b.attempts >= this.maxAttempts) {
        this.counters.failedEvents += b.events.length;
        this.report(new VigilError('detect.batch.failed', `gave up on event ${b.events[0]!.id} after ${b.attempts} detection workers died on it`));
        this.finish(b, false);
        continue;
      }
      rerun += b.events.length;
      // Died on it twice: one event may be poison, so the rest go one by one and only it is given up.
      const parts = b === blamed && b.attempts >= 2 && b.events.length > 1
        ? b.events.map((e, i): Batch => ({ seq: b.seq + i / b.events.length, events: [e], attempts: b.attempts }))
        : [b];
      for (const p of parts) insertBySeq(this.pending, p);
    }
    this.report(new VigilError('detect.worker.died', `detection worker died (${reason}); ${rerun} events will be detected again`));
    this.options.onRestart?.({ reason, rerun });
    if (isCurrent) {
      this.current = null;
      const delay = this.crashesInARow === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** this.crashesInARow);
      this.crashesInARow++;
      clearTimeout(this.restartTimer);
      this.restartTimer = setTimeout(() => {
        if (this.closed) return;
        if (!this.current) this.current = this.spawn(this.paths);
        this.drainPending();
      }, delay);
    } else this.drainPending();
  }

  private retire(runner: Runner): void {
    runner.state = 'retiring';
    if (runner.inflight.size === 0) void this.stop(runner);
  }

  private async stop(runner: Runner): Promise<void> {
    if (runner.state === 'dead') return;
    runner.state = 'dead';
    this.runners.delete(runner);
    for (const b of runner.inflight.values()) this.finish(b, false);
    runner.inflight.clear();
    await runner.worker.terminate();
  }

  private waitBelow(below: number): Promise<void> {
    if (this.inFlight < below) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below, resolve }));
  }

  private report(err: VigilError): void {
    this.options.onError?.(err);
  }
}

/**
 * The batch as one JSON array text, from the strings ingest made for the store: posting one flat
 * string costs a copy, where structured-cloning the object graphs cost ~10 µs per event on this
 * thread. Undefined when an event has no JSON text (then the objects are cloned).
 */
export function encodeBatch(events: readonly StageEvent[]): string | undefined {
  const parts = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (!e.json || !Number.isSafeInteger(e.id) || !Number.isFinite(e.receivedAt)) return undefined;
    parts[i] = `{"id":${e.id},"receivedAt":${e.receivedAt},"logsource":${e.json.logsource},"core":${e.json.core},"original":${e.json.original}}`;
  }
  return `[${parts.join(',')}]`;
}

function insertBySeq(list: Batch[], b: Batch): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.seq > b.seq) i--;
  list.splice(i, 0, b);
}
