/** What a client can follow live. The job id of each is the row id. */
export type LiveKind = 'run' | 'scrape' | 'email' | 'suite';

/**
 * One message to subscribers: an event name (`run.updated`, `run.step`, ...) and its
 * payload. `key` names what it says, so a subscriber never gets the same thing twice;
 * `covers` lists the keys a state snapshot already contains (a run's finished steps).
 */
export interface LiveUpdate {
  event: string;
  payload: Record<string, unknown>;
  key: string;
  covers?: string[];
  /** The job has ended: this is the last update of the subscription. */
  final: boolean;
}

/** A queue event for one job, as the hub hands it to the job kind's source. */
export type QueueSignal = { type: 'progress'; data: unknown } | { type: 'active' | 'completed' | 'failed' | 'removed' };

/**
 * How one job kind becomes live updates: its queue, its current state (throws
 * NotFoundException for an unknown id), and what a queue event of its job means.
 */
export interface LiveSource {
  kind: LiveKind;
  queue: string;
  /**
   * The job's current state. With `projectId` (a subscriber's project), a job of another
   * project is NotFoundException too, exactly as an unknown id.
   */
  snapshot(id: string, projectId?: string): Promise<LiveUpdate>;
  translate(id: string, signal: QueueSignal): Promise<LiveUpdate[]>;
}

/** Where a subscription's updates go: a socket, an SSE response, a GraphQL iterator. */
export interface LiveSink {
  send(update: LiveUpdate): void;
  /** The subscription is over: the job ended, or the process is shutting down. */
  end(): void;
}
