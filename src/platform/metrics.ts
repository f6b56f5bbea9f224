// Process metrics in the Prometheus text format (https://prometheus.io/docs/instrumenting/exposition_formats/).
// Counters are plain numbers bumped on hot paths; rendering happens only when /metrics is scraped.

const LAG_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export class Metrics {
  eventsDelivered = 0;
  eventsReplayed = 0;
  slowClientDrops = 0;
  listenerReconnects = 0;
  streamsOpened = 0;
  streamsRevoked = 0;
  /** Statements this process's pool sent to Postgres (BEGIN and COMMIT included; not the LISTEN connection's). */
  dbStatements = 0;
  readonly lagBuckets = new Array<number>(LAG_BUCKETS_MS.length).fill(0);
  lagCount = 0;
  lagSumMs = 0;

  /** Commit-to-send lag of one event, observed once per event per instance (not per subscriber). */
  observeLag(ms: number) {
    const v = Math.max(0, ms);
    this.lagCount++;
    this.lagSumMs += v;
    for (let i = 0; i < LAG_BUCKETS_MS.length; i++) if (v <= LAG_BUCKETS_MS[i]) this.lagBuckets[i]++;
  }

  render(gauges: { openStreams: number; subscribedTenants: number; listenerUp: boolean; notificationQueueUsage: number | null }): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, value: number) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    metric('tillstream_sse_open_streams', 'gauge', 'Open SSE streams on this instance.', gauges.openStreams);
    metric('tillstream_sse_subscribed_tenants', 'gauge', 'Tenants with at least one open stream on this instance.', gauges.subscribedTenants);
    metric('tillstream_sse_streams_opened_total', 'counter', 'SSE streams opened.', this.streamsOpened);
    metric('tillstream_sse_events_delivered_total', 'counter', 'Live event frames written to streams.', this.eventsDelivered);
    metric('tillstream_sse_events_replayed_total', 'counter', 'Event frames replayed from the outbox on resume.', this.eventsReplayed);
    metric('tillstream_sse_slow_client_drops_total', 'counter', 'Streams closed because the client fell too far behind.', this.slowClientDrops);
    metric('tillstream_sse_revoked_closes_total', 'counter', 'Streams closed because their API key was revoked.', this.streamsRevoked);
    metric('tillstream_listener_reconnects_total', 'counter', 'Times the LISTEN connection was re-established.', this.listenerReconnects);
    metric('tillstream_db_statements_total', 'counter', "Statements sent to Postgres by this instance's pool (BEGIN and COMMIT count).", this.dbStatements);
    metric('tillstream_listener_up', 'gauge', '1 when the LISTEN connection is receiving its heartbeat.', gauges.listenerUp ? 1 : 0);
    if (gauges.notificationQueueUsage !== null) {
      metric('tillstream_pg_notification_queue_usage', 'gauge', 'pg_notification_queue_usage(): fraction of the NOTIFY queue in use.', gauges.notificationQueueUsage);
    }
    const h = 'tillstream_event_commit_to_send_seconds';
    lines.push(`# HELP ${h} From the event's transaction to its first write to streams on this instance.`, `# TYPE ${h} histogram`);
    LAG_BUCKETS_MS.forEach((b, i) => lines.push(`${h}_bucket{le="${b / 1000}"} ${this.lagBuckets[i]}`));
    lines.push(`${h}_bucket{le="+Inf"} ${this.lagCount}`, `${h}_sum ${this.lagSumMs / 1000}`, `${h}_count ${this.lagCount}`);
    return lines.join('\n') + '\n';
  }
}
