import fs from 'node:fs/promises';
import net from 'node:net';

export type PortHolder = {
  pid: number;
  /** Its command line, shortened for one console line. */
  command: string;
  /** The process group to signal to stop it with its children (Cube and Next run in their own). */
  pgid: number;
  /** The live `npm start` launcher it belongs to, if any (stopping that stops all of it). */
  launcher: { pid: number; command: string } | null;
};

async function procStat(pid: number): Promise<{ ppid: number; pgid: number } | null> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), pgid: Number(fields[2]) };
}

async function commandLine(pid: number): Promise<string> {
  const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const command = raw.split('\0').filter(Boolean).join(' ').replaceAll(process.cwd(), '.');
  return command.length > 120 ? `${command.slice(0, 117)}…` : command;
}

/** Inodes of the sockets listening on `port` (any address), from /proc/net/tcp{,6}. */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fs.readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXADDR:HEXPORT; state 0A is LISTEN; field 9 is the socket's inode.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9])
        inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * Which process listens on `port` (Linux /proc; null elsewhere or when it cannot be seen), and
 * whether it belongs to a still-running `npm start`: the answer a user needs when a leftover
 * stack holds the port.
 */
export async function portHolder(port: number): Promise<PortHolder | null> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return null;
  const pids = (await fs.readdir('/proc').catch(() => [] as string[])).filter((name) =>
    /^\d+$/.test(name),
  );
  for (const name of pids) {
    const fds = await fs.readdir(`/proc/${name}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await fs.readlink(`/proc/${name}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode === undefined || !inodes.has(inode)) continue;
      const pid = Number(name);
      const stat = await procStat(pid);
      let launcher: PortHolder['launcher'] = null;
      for (let ancestor = stat?.ppid ?? 1; ancestor > 1; ) {
        const command = await commandLine(ancestor);
        if (command.includes('scripts/start.ts')) {
          launcher = { pid: ancestor, command };
          break;
        }
        ancestor = (await procStat(ancestor))?.ppid ?? 1;
      }
      return { pid, command: await commandLine(pid), pgid: stat?.pgid ?? pid, launcher };
    }
  }
  return null;
}

/** One line naming who holds the port and how to stop it. */
export function describeHolder(holder: PortHolder): string {
  const what = `pid ${holder.pid} (${holder.command})`;
  if (holder.launcher)
    return `${what}, started by \`npm start\` pid ${holder.launcher.pid}: stop it with \`kill ${holder.launcher.pid}\``;
  return `${what}: stop it with \`kill -- -${holder.pgid}\``;
}

/**
 * Fails with a message naming the port, the process that holds it (when it can be seen) and the
 * variable that moves it, before anything starts.
 */
export async function assertPortFree(port: number, variable: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
  if (!free) {
    const holder = await portHolder(port).catch(() => null);
    throw new Error(
      `Port ${port} is in use${holder ? ` by ${describeHolder(holder)}` : ''}. ` +
        `Stop what holds it, or set ${variable} to another port.`,
    );
  }
}
