import net from 'node:net';

/** Fails with a message naming the port and the variable that moves it, before anything starts. */
export async function assertPortFree(port: number, variable: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(
      `Port ${port} is in use. Stop what holds it, or set ${variable} to another port.`,
    );
  }
}
