// Owner-level (epoch) rules per consumer group and partition, as the service applies them: a receiver with an epoch
// at least as high as any present takes over (the others are detached with amqp:link:stolen); a lower epoch is
// refused; a receiver without an epoch is refused while one with an epoch is attached.
import { Conditions, type AmqpError } from './errors.ts';

export interface OwnedReceiver {
  name: string;
  /** undefined: the receiver did not ask for an owner level. */
  epoch: number | undefined;
  detach(error: AmqpError): void;
}

export class OwnerLevels {
  private readonly receivers = new Map<string, Set<OwnedReceiver>>();

  /** Registers the receiver, or returns the error to refuse it with. Receivers it displaces are detached. */
  admit(key: string, receiver: OwnedReceiver): AmqpError | undefined {
    const present = this.receivers.get(key) ?? new Set<OwnedReceiver>();
    const epochs = [...present].map((r) => r.epoch).filter((e): e is number => e !== undefined);
    const highest = epochs.length > 0 ? Math.max(...epochs) : undefined;
    if (receiver.epoch === undefined) {
      if (highest !== undefined) {
        return {
          condition: Conditions.stolen,
          description: `A receiver with epoch '${highest}' already exists on '${key}'; a receiver without an epoch cannot be created.`,
        };
      }
    } else if (highest !== undefined && receiver.epoch < highest) {
      return {
        condition: Conditions.stolen,
        description: `A receiver with a higher epoch '${highest}' already exists on '${key}'; epoch '${receiver.epoch}' cannot be created.`,
      };
    } else {
      for (const other of present) {
        other.detach({
          condition: Conditions.stolen,
          description: `New receiver '${receiver.name}' with higher or equal epoch '${receiver.epoch}' was created on '${key}', hence the current receiver '${other.name}' is being disconnected.`,
        });
      }
      present.clear();
    }
    present.add(receiver);
    this.receivers.set(key, present);
    return undefined;
  }

  release(key: string, receiver: OwnedReceiver): void {
    const present = this.receivers.get(key);
    present?.delete(receiver);
    if (present?.size === 0) this.receivers.delete(key);
  }
}
