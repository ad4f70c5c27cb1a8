"""Runs one scenario of Debian's azure-eventhub (5.11, its own AMQP stack, pyamqp) against the emulator.

Usage: driver.py SCENARIO CONNECTION_STRING CA_FILE [ARG...]; prints one JSON line with what the client saw.
Run by test/local/eventhubs/pythonClient.test.ts with /usr/bin/python3 (Debian's interpreter and python3-azure).
"""
import json
import sys
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlparse

from azure.eventhub import EventData, EventHubConsumerClient, EventHubProducerClient
from azure.eventhub._pyamqp import sasl

SCENARIO, CONNECTION, CA_FILE, *ARGS = sys.argv[1:]
# azure-eventhub 5.11 drops the endpoint's port: its TLS transport is built from the host alone and dials 5671
# (custom_endpoint_address would switch it to WebSockets). The default port of that transport is set to the
# emulator's; what goes over the socket is the client's own.
sasl.SASLTransport.__init__.__kwdefaults__["port"] = urlparse(CONNECTION.split(";")[0].split("=", 1)[1]).port
OPTIONS = {"connection_verify": CA_FILE, "retry_total": 0}


def producer(connection=CONNECTION, **options):
    return EventHubProducerClient.from_connection_string(connection, **OPTIONS, **options)


def consumer(group="$default", connection=CONNECTION):
    return EventHubConsumerClient.from_connection_string(connection, consumer_group=group, **OPTIONS)


def plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def failure(error):
    # The SDK's errors wrap pyamqp's, which carry the AMQP condition (an enum member or the raw symbol).
    condition = getattr(getattr(error, "details", None), "condition", None) or getattr(error, "condition", None)
    return {"type": type(error).__name__, "condition": plain(getattr(condition, "value", condition)), "message": str(error)[:400]}


def attempt(call):
    try:
        return {"ok": plain(call())}
    except Exception as error:  # the scenario reports what the client raised
        return {"error": failure(error)}


def event(item):
    return {
        "body": item.body_as_str(),
        "partitionKey": plain(item.partition_key),
        "sequenceNumber": item.sequence_number,
        "offset": item.offset,
        "enqueuedTime": item.enqueued_time.isoformat() if item.enqueued_time else None,
        "properties": plain(item.properties),
        "contentType": item.content_type,
        "messageId": plain(item.message_id),
    }


def receive(until, seconds=20, group="$default", batch=False, **options):
    """Receives until `until(events)` or an error, or for `seconds`; returns the events and the errors seen."""
    client = consumer(group)
    events, errors, done = [], [], threading.Event()

    def on_events(_context, items):
        events.extend(event(item) for item in (items if batch else [items]) if item is not None)
        if until(events):
            done.set()

    def on_error(_context, error):
        errors.append(failure(error))
        done.set()

    run = client.receive_batch if batch else client.receive
    worker = threading.Thread(target=lambda: run(on_events, on_error=on_error, max_wait_time=0.5, **options), daemon=True)
    worker.start()
    done.wait(seconds)
    client.close()
    worker.join(10)
    return {"events": events, "errors": errors}


def properties():
    with producer() as client:
        ids = client.get_partition_ids()
        out = {"hub": client.get_eventhub_properties(), "ids": ids, "partitions": [client.get_partition_properties(i) for i in ids]}
    with consumer() as client:
        out["consumerHub"] = client.get_eventhub_properties()
        out["consumerPartition"] = client.get_partition_properties("0")
    return plain(out)


def send(marker):
    def data(body, **extra):
        item = EventData(body)
        item.properties = {"marker": marker, **extra}
        item.content_type = "text/plain"
        item.message_id = f"{marker}-{body}"
        return item

    with producer() as client:
        batch = client.create_batch(partition_key="paris")
        for n in range(3):
            batch.add(data(f"keyed-{n}", n=n))
        client.send_batch(batch)
        client.send_batch([data("to-2a"), data("to-2b")], partition_id="2")
        client.send_event(data("london"), partition_key="london")
        client.send_event(data("to-1"), partition_id="1")
        client.send_batch([data("anywhere")])
        return {"maxSizeInBytes": client.create_batch().max_size_in_bytes, "partitionMax": client.create_batch(partition_id="0").max_size_in_bytes}


def positions(partition, offset, sequence, enqueued_ms, count):
    count = int(count)
    every = lambda events: len(events) >= count  # noqa: E731
    at = datetime.fromtimestamp(int(enqueued_ms) / 1000, tz=timezone.utc)
    runs = {
        "earliest": receive(every, partition_id=partition, starting_position="-1"),
        "offsetExclusive": receive(lambda e: len(e) >= count - 1, partition_id=partition, starting_position=offset),
        "offsetInclusive": receive(every, partition_id=partition, starting_position=offset, starting_position_inclusive=True),
        "sequenceExclusive": receive(lambda e: len(e) >= count - 1, partition_id=partition, starting_position=int(sequence)),
        "sequenceInclusive": receive(every, partition_id=partition, starting_position=int(sequence), starting_position_inclusive=True),
        "enqueuedTime": receive(every, partition_id=partition, starting_position=at, starting_position_inclusive=True),
        "batch": receive(every, partition_id=partition, starting_position="-1", batch=True, max_batch_size=count),
    }
    latest = {}
    worker = threading.Thread(target=lambda: latest.update(receive(lambda e: len(e) >= 1, partition_id=partition, starting_position="@latest")))
    worker.start()
    time.sleep(3)  # the receiver attaches before the event below is sent
    with producer() as client:
        client.send_event(EventData("after-latest"), partition_id=partition)
    worker.join()
    runs["latest"] = latest
    return runs


def buffered(count):
    sent, failed = [], []
    client = producer(buffered_mode=True, max_wait_time=0.2,
                      on_success=lambda events, pid: sent.extend((e.body_as_str(), pid) for e in events),
                      on_error=lambda events, pid, error: failed.append(failure(error)))
    with client:
        for n in range(int(count)):
            client.send_event(EventData(f"key-{n}"), partition_key=f"key-{n}")
        client.flush()
    return {"sent": sorted(sent), "failed": failed}


def owner_levels(partition):
    def holding(level, seconds, into):
        options = {"owner_level": level} if level is not None else {}
        worker = threading.Thread(target=lambda: into.update(receive(lambda e: False, seconds=seconds, partition_id=partition, starting_position="@latest", **options)))
        worker.start()
        time.sleep(4)  # the receiver is attached before the next one comes
        return worker

    first, higher = {}, {}
    workers = [holding(1, 16, first), holding(2, 12, higher)]
    lower = receive(lambda e: False, seconds=4, partition_id=partition, starting_position="@latest", owner_level=1)
    without = receive(lambda e: False, seconds=4, partition_id=partition, starting_position="@latest")
    for worker in workers:
        worker.join()
    return {"first": first["errors"], "higher": higher["errors"], "lower": lower["errors"], "without": without["errors"]}


def refusals(wrong_key_connection, unknown_hub_connection):
    def closing(client, call):
        try:
            return attempt(lambda: call(client))
        finally:
            client.close()

    return {
        "wrongKey": closing(producer(wrong_key_connection), lambda c: c.get_eventhub_properties()),
        "unknownHubProperties": closing(producer(unknown_hub_connection), lambda c: c.get_eventhub_properties()),
        "unknownHubSend": closing(producer(unknown_hub_connection), lambda c: c.send_batch([EventData("x")])),
        "partitionOutOfRange": closing(producer(), lambda c: c.get_partition_properties("9")),
        "sendOutOfRange": closing(producer(), lambda c: c.send_batch([EventData("x")], partition_id="9")),
        "tooLarge": closing(producer(), lambda c: c.send_event(EventData(b"x" * 1_100_000), partition_id="0")),
        "unknownGroup": receive(lambda e: False, seconds=8, group="no-such-group", partition_id="0", starting_position="-1")["errors"],
    }


SCENARIOS = {"properties": properties, "send": send, "positions": positions, "buffered": buffered, "ownerLevels": owner_levels, "refusals": refusals}
print(json.dumps(SCENARIOS[SCENARIO](*ARGS)))
