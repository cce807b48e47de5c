import { spawn } from 'node:child_process';

/**
 * A benchmark's server in a process of its own (`node ARGS…`), so the client measuring it does not
 * share its event loop. The process prints one JSON line with its port once it listens, and ends when
 * its stdin does.
 */
export async function startListening(
  args: string[],
): Promise<{ pid: number; port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
  return {
    pid: child.pid!,
    port,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
