// How the emulator answers a client's attach, where rhea's server-side defaults differ from the service and the .NET
// client (Azure.Messaging.EventHubs, which the Functions host's Event Hubs trigger runs on) or the Python client
// depends on the difference. The JavaScript client tolerates all of rhea's defaults.
import rhea, { type Receiver, type Sender } from 'rhea';
import type { AmqpError } from './errors.ts';

interface AttachFields {
  snd_settle_mode?: number;
  source?: unknown;
  target?: unknown;
  /** rhea's composite keeps the encoded fields by position: 13 is `properties`. */
  value: unknown[];
}

function attachOf(link: Sender | Receiver): { local: AttachFields; remote: AttachFields | undefined } {
  const internals = link as unknown as { local: { attach: AttachFields }; remote: { attach?: AttachFields } };
  return { local: internals.local.attach, remote: internals.remote.attach };
}

const PROPERTIES = 13;
const EMPTY_MAP = rhea.types.wrap_map({});

/**
 * Answers an attach as the service does: both termini named as the client named them and link properties present.
 * rhea answers a client's sending link with no source at all and never sends properties; the Python client
 * (pyamqp) takes an attach without a source or target as a refusal ("Invalid link"), and merges the reply's
 * properties into its own with `dict.update`, which fails on none. The client's own properties are echoed (with
 * their encoded types), an empty map when it sent none.
 */
export function answerAttach(link: Sender | Receiver): void {
  // A terminus the client sent without an address is answered with a null address (rhea's typings want a string).
  const echo = (terminus: { address?: unknown } | undefined) =>
    ({ address: terminus?.address === undefined || terminus.address === null ? undefined : String(terminus.address) }) as { address: string };
  link.set_source(echo(link.source));
  link.set_target(echo(link.target));
  const { local, remote } = attachOf(link);
  local.value[PROPERTIES] = remote?.value[PROPERTIES] ?? EMPTY_MAP;
}

/**
 * Answers with the peer's snd-settle-mode (AMQP 1.0 §2.7.3: the sender declares it, the service echoes it). rhea
 * answers "mixed" instead; the .NET client sends its $cbs and $management requests presettled with empty delivery
 * tags, and on "mixed" tracks each as unsettled under that empty tag, so its second concurrent put-token failed
 * with "An item with the same key has already been added". On links where the emulator sends, rhea then settles
 * each delivery as it sends it when the client asked for that, as the service does.
 */
export function echoSenderSettleMode(link: Sender | Receiver): void {
  const { local, remote } = attachOf(link);
  const mode = remote?.snd_settle_mode;
  if (mode === 0 || mode === 1 || mode === 2) local.snd_settle_mode = mode;
}

/**
 * Refuses an attach: the reply carries a null terminus (§2.6.3), then the detach carries the error. With a terminus
 * the .NET client takes the link as open and never reports the error (a lower owner level was silently ignored).
 */
export function refuseAttach(link: Sender | Receiver, error: AmqpError): void {
  const { local } = attachOf(link);
  if (link.is_sender()) local.source = null;
  else local.target = null;
  link.close(error);
}
