// A plain rhea client for tests that need requests no SDK would send (a token for another hub or host, a token that
// expires in seconds): put-token and $management requests by hand, links whose detach the test waits for.
import rhea, { type Connection, type Message, type Receiver, type Sender } from 'rhea';

export interface Answer {
  status: number;
  description: string;
  body: unknown;
}

export interface RheaPeer {
  connection: Connection;
  putToken(token: string, audience: string): Promise<Answer>;
  /** A $management READ of the hub's properties, carrying `securityToken` when given. */
  readHub(hub: string, securityToken?: string): Promise<Answer>;
  /** Attaches a link and resolves with the error it is detached with (undefined if it is detached without one). */
  attach(kind: 'receiver' | 'sender', address: string): { link: Sender | Receiver; opened: Promise<void>; detached: Promise<{ condition?: string; description?: string } | undefined> };
  close(): void;
}

export async function rheaPeer(port: number): Promise<RheaPeer> {
  const container = rhea.create_container();
  const connection = container.connect({ port, host: '127.0.0.1', hostname: 'localhost', reconnect: false });
  await new Promise<void>((resolve, reject) => {
    connection.once('connection_open', () => resolve());
    connection.once('disconnected', (context) => reject(context.error ?? new Error('disconnected')));
  });
  let nextId = 1;
  const node = async (address: '$cbs' | '$management') => {
    const replyTo = `${address}-replies-${nextId++}`;
    const replies = connection.open_receiver({ source: { address }, target: { address: replyTo }, name: replyTo });
    const requests = connection.open_sender({ target: { address } });
    await new Promise((resolve) => requests.once('sendable', resolve));
    const pending = new Map<string, (answer: Answer) => void>();
    replies.on('message', (context) => {
      const message = context.message as Message;
      const properties = (message.application_properties ?? {}) as Record<string, unknown>;
      pending.get(String(message.correlation_id))?.({ status: Number(properties['status-code']), description: String(properties['status-description']), body: message.body });
    });
    return (body: unknown, application_properties: Record<string, unknown>) =>
      new Promise<Answer>((resolve) => {
        const id = String(nextId++);
        pending.set(id, resolve);
        requests.send({ message_id: id, reply_to: replyTo, body, application_properties });
      });
  };
  const cbs = await node('$cbs');
  const management = await node('$management');
  return {
    connection,
    putToken: (token, audience) => cbs(token, { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' }),
    readHub: (hub, securityToken) =>
      management(undefined, { operation: 'READ', name: hub, type: 'com.microsoft:eventhub', ...(securityToken ? { security_token: securityToken } : {}) }),
    attach(kind, address) {
      const link = kind === 'receiver' ? connection.open_receiver({ source: { address }, credit_window: 0 }) : connection.open_sender({ target: { address } });
      const opened = new Promise<void>((resolve) => link.once(`${kind}_open`, () => resolve()));
      const detached = new Promise<{ condition?: string; description?: string } | undefined>((resolve) => {
        link.once(`${kind}_close`, () => resolve(link.error as { condition?: string; description?: string } | undefined));
      });
      link.on(`${kind}_error`, () => undefined);
      return { link, opened, detached };
    },
    close: () => connection.close(),
  };
}
