/**
 * A TCP proxy the bridge reaches the Pub/Sub emulator through. An emulator
 * restart is then: the old one dies (the proxy drops every connection and
 * refuses new ones), a new one starts and is provisioned, and only then does
 * the proxy lead to it. The bridge sees exactly a Pub/Sub outage; the test
 * never races the bridge while recreating topics and subscriptions.
 */
import * as net from 'node:net';

export class Proxy {
  private target?: number;
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: number): Promise<Proxy> {
    const holder: { proxy?: Proxy } = {};
    const server = net.createServer((client) => holder.proxy?.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new Proxy(server, (server.address() as net.AddressInfo).port);
    proxy.target = target;
    holder.proxy = proxy;
    return proxy;
  }

  private accept(client: net.Socket): void {
    if (this.target === undefined) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** Drops every connection and refuses new ones until `connect`. */
  cut(): void {
    this.target = undefined;
    for (const s of this.sockets) s.destroy();
  }

  connect(target: number): void {
    this.target = target;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
