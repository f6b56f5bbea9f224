// The service's log: one line per message on stdout (debug, info) or stderr (warn, error), prefixed so
// it stands out among Postgres's own lines. LOG_LEVEL (src/platform/config.ts) drops what is below it;
// main.ts sets it once at boot. Fatal boot messages and the CLI's output do not go through here: they
// must always be printed.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold = RANK.info;

export function setLogLevel(level: LogLevel) {
  threshold = RANK[level];
}

/**
 * A query's parameters are customers' data (names, phones, emails): never in the log. The postgres
 * client makes them enumerable on its errors when its `debug` hook is set (main.ts counts statements
 * with it), and the console prints enumerable properties; hidden here, the query text stays.
 */
function withoutParameters(err: unknown): unknown {
  if (!(err instanceof Error) || !Object.prototype.propertyIsEnumerable.call(err, 'parameters')) return err;
  // The client defines them non-configurable: print a copy without them.
  const copy = Object.assign(new Error(err.message), { name: err.name, stack: err.stack });
  for (const [key, value] of Object.entries(err)) {
    if (key !== 'parameters' && key !== 'args' && key !== 'types') Object.assign(copy, { [key]: value });
  }
  return copy;
}

function write(level: LogLevel, message: string, err?: unknown) {
  if (RANK[level] < threshold) return;
  const line = `[tillstream] ${level === 'info' ? '' : `${level}: `}${message}`;
  const out = RANK[level] >= RANK.warn ? console.error : console.log;
  if (err === undefined) out(line); else out(line, withoutParameters(err));
}

export const log = {
  debug: (message: string) => write('debug', message),
  info: (message: string) => write('info', message),
  warn: (message: string, err?: unknown) => write('warn', message, err),
  error: (message: string, err?: unknown) => write('error', message, err),
};
