/**
 * Where `bun run cli admin create` gets the password. Not from argv by default: a flag's value lands in
 * shell history and in `ps` for every user of the machine to read. Standard input (`--password-stdin`,
 * for scripts: `printf '%s\n' "$PW" | bun run cli admin create … --password-stdin`) or, in a terminal, a
 * prompt that does not echo. `--password` stays for the scripts written before this, deprecated: it
 * works and says on stderr what to use instead.
 */
export type PasswordSource = {
  stdin: () => Promise<string>;
  /** A terminal is attached, so the prompt can be used. */
  interactive: boolean;
  ask: (question: string) => Promise<string>;
  warn: (message: string) => void;
};

export const DEPRECATED_PASSWORD_FLAG =
  'warning: --password is deprecated (it lands in shell history and `ps`): use --password-stdin, or leave both out to be asked';

export class PasswordInputError extends Error {}

export async function passwordFrom(o: { password?: string; 'password-stdin'?: boolean }, io: PasswordSource): Promise<string> {
  if (o['password-stdin'] && o.password !== undefined) throw new PasswordInputError('give --password-stdin or --password, not both');
  if (o['password-stdin']) {
    // One line; its newline (what echo and printf '%s\n' add) is not part of the password.
    const text = (await io.stdin()).replace(/\r?\n$/, '');
    if (/[\r\n]/.test(text)) throw new PasswordInputError('--password-stdin: send the password as one line');
    return text;
  }
  if (o.password !== undefined) {
    io.warn(DEPRECATED_PASSWORD_FLAG);
    return o.password;
  }
  if (!io.interactive) throw new PasswordInputError('no password: pipe it in with --password-stdin, or run in a terminal to be asked');
  const first = await io.ask('Password (at least 8 characters): ');
  const again = await io.ask('The same again: ');
  if (first !== again) throw new PasswordInputError('the two passwords differ; nothing was changed');
  return first;
}

/** Read a line from the terminal without echoing it (raw mode: Enter ends it, Ctrl-C cancels, Backspace works). */
export function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') { finish(); resolve(typed); return; }
        if (ch === '\u0003' || ch === '\u0004') { finish(); reject(new PasswordInputError('cancelled; nothing was changed')); return; }
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The real process's standard input, terminal and stderr. */
export const processPasswordSource: PasswordSource = {
  stdin: () => Bun.stdin.text(),
  interactive: Boolean(process.stdin.isTTY),
  ask: askHidden,
  warn: (m) => console.error(m),
};
