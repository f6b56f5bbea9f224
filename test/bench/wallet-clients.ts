// Light guest wallets for the wallet benchmark (run by wallet.ts, not on its own): one raw HTTP/1.1
// connection per line of <pathsFile> (`/w/<token>/stream`), recording when each event id arrives on each.
//   bun test/bench/wallet-clients.ts <port> <pathsFile> <deadlineMs>
// Prints `ready <n>` once every connection is open; on a line `report` on stdin (or at the deadline),
// one JSON line: [[id, receive time ms since epoch], …] per connection, in the file's order.

export {}; // a module: top-level await

const [portArg, pathsFile, deadlineArg] = process.argv.slice(2);
const port = Number(portArg);
const paths = (await Bun.file(pathsFile).text()).split('\n').filter(Boolean);
const deadline = Date.now() + Number(deadlineArg);
const now = () => performance.timeOrigin + performance.now();
const received: [string, number][][] = paths.map(() => []);
const ID = Buffer.from('id: ');

const connectOne = (i: number) => new Promise<void>((resolve, reject) => {
  let head = '';
  let open = false;
  Bun.connect({
    hostname: '127.0.0.1', port,
    socket: {
      open(s) { s.write(`GET ${paths[i]} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`); },
      data(_s, chunk) {
        if (!open) {
          head += chunk.toString();
          if (!head.includes('\r\n\r\n')) return;
          if (!head.startsWith('HTTP/1.1 200')) return reject(new Error(`wallet stream refused: ${head.split('\r\n')[0]}`));
          open = true;
          resolve();
        }
        // Only event frames carry ids (the retry hint and heartbeats do not); each frame arrives whole.
        let at = 0;
        while ((at = chunk.indexOf(ID, at)) >= 0) {
          let id = '';
          for (at += 4; at < chunk.length && chunk[at] >= 48 && chunk[at] <= 57; at++) id += String.fromCharCode(chunk[at]);
          if (id) received[i].push([id, now()]);
        }
      },
      error(_s, e) { reject(e); },
      close() {},
    },
  }).catch(reject);
});

for (let i = 0; i < paths.length; i += 250) {
  await Promise.all(Array.from({ length: Math.min(250, paths.length - i) }, (_, j) => connectOne(i + j)));
}
console.log(`ready ${paths.length}`);

const reader = Bun.stdin.stream().getReader();
const asked = (async () => {
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += new TextDecoder().decode(value);
    if (buf.includes('report')) return;
  }
})();
await Promise.race([asked, Bun.sleep(Math.max(0, deadline - Date.now()))]);
console.log(JSON.stringify(received));
process.exit(0);
