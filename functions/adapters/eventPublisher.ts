// Publishes city-day events to Event Hubs: partitionKey = cityId (a city's days stay in order on one partition),
// packed into as few EventDataBatches as fit, each sent when full.
import type { EventData, EventHubProducerClient } from '@azure/event-hubs';
import { ValidationError } from '../errors.ts';
import type { CityDayEvent } from '../core/model.ts';

export interface PublishSummary {
  events: number;
  batches: number;
}

export interface EventPublisher {
  /** Sends every event; resolves once the hub has acknowledged all of them. */
  publish(events: readonly CityDayEvent[]): Promise<PublishSummary>;
}

export function toEventData(event: CityDayEvent): EventData {
  return { body: event, contentType: 'application/json', properties: { v: event.v } };
}

export function createEventPublisher(producer: EventHubProducerClient): EventPublisher {
  return {
    async publish(events) {
      const summary: PublishSummary = { events: 0, batches: 0 };
      const byCity = new Map<string, CityDayEvent[]>();
      for (const event of events) {
        const list = byCity.get(event.cityId);
        if (list) list.push(event);
        else byCity.set(event.cityId, [event]);
      }
      for (const [cityId, cityEvents] of byCity) {
        let batch = await producer.createBatch({ partitionKey: cityId });
        for (const event of cityEvents) {
          const data = toEventData(event);
          if (batch.tryAdd(data)) continue;
          if (batch.count === 0) {
            throw new ValidationError('event', `the event for ${cityId} ${event.date} does not fit an empty batch (max ${batch.maxSizeInBytes} bytes)`);
          }
          await producer.sendBatch(batch);
          summary.batches++;
          summary.events += batch.count;
          batch = await producer.createBatch({ partitionKey: cityId });
          if (!batch.tryAdd(data)) {
            throw new ValidationError('event', `the event for ${cityId} ${event.date} does not fit an empty batch (max ${batch.maxSizeInBytes} bytes)`);
          }
        }
        if (batch.count > 0) {
          await producer.sendBatch(batch);
          summary.batches++;
          summary.events += batch.count;
        }
      }
      return summary;
    },
  };
}
