// Drives the .NET Event Hubs client against the emulator, one scenario per run, and prints what it saw as one JSON
// object on stdout for dotnetClient.test.ts to check. Usage: EventHubsProbe <scenario> <connection string> <args...>
using System.Text;
using System.Text.Json;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Producer;

var scenario = args[0];
var connectionString = args[1];
var rest = args.Skip(2).ToArray();
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

object result = scenario switch
{
    "properties" => await Scenarios.Properties(connectionString),
    "send" => await Scenarios.Send(connectionString, rest[0], int.Parse(rest[1]), rest[2]),
    "send-buffered" => await Scenarios.SendBuffered(connectionString, rest.Skip(1).ToArray(), rest[0]),
    "read" => await Scenarios.Read(connectionString, rest[0], rest[1], int.Parse(rest[2])),
    "owner-level" => await Scenarios.OwnerLevel(connectionString, rest[0]),
    "processor" => await Scenarios.Processors(connectionString, int.Parse(rest[0]), int.Parse(rest[1]), timeout.Token),
    "failure" => await Scenarios.Failure(connectionString, rest[0]),
    _ => throw new ArgumentException($"unknown scenario '{scenario}'"),
};
Console.WriteLine(JsonSerializer.Serialize(result));

static class Scenarios
{
    public static async Task<object> Properties(string cs)
    {
        await using var producer = new EventHubProducerClient(cs);
        var hub = await producer.GetEventHubPropertiesAsync();
        var partitions = new List<object>();
        foreach (var id in hub.PartitionIds)
        {
            var p = await producer.GetPartitionPropertiesAsync(id);
            partitions.Add(new { id = p.Id, begin = p.BeginningSequenceNumber, last = p.LastEnqueuedSequenceNumber, lastOffset = p.LastEnqueuedOffsetString, empty = p.IsEmpty });
        }
        return new { name = hub.Name, partitionIds = hub.PartitionIds, partitions };
    }

    static async Task<string[]> PartitionIds(string cs)
    {
        await using var producer = new EventHubProducerClient(cs);
        return await producer.GetPartitionIdsAsync();
    }

    /** target: key:K (the service hashes K to a partition), partition:P, or auto (round robin). */
    public static async Task<object> Send(string cs, string target, int count, string prefix)
    {
        await using var producer = new EventHubProducerClient(cs);
        var options = target.StartsWith("key:") ? new CreateBatchOptions { PartitionKey = target[4..] }
            : target.StartsWith("partition:") ? new CreateBatchOptions { PartitionId = target[10..] }
            : new CreateBatchOptions();
        using var batch = await producer.CreateBatchAsync(options);
        for (var i = 0; i < count; i++)
        {
            var data = new EventData(Encoding.UTF8.GetBytes($"{prefix}-{i}")) { ContentType = "text/plain", MessageId = $"{prefix}-{i}" };
            data.Properties["i"] = i;
            data.Properties["client"] = "dotnet";
            if (!batch.TryAdd(data)) throw new InvalidOperationException($"event {i} does not fit in the batch");
        }
        await producer.SendAsync(batch);
        return new { sent = count, maximumSizeInBytes = batch.MaximumSizeInBytes };
    }

    /**
     * EventHubBufferedProducerClient assigns keyed events to partitions itself, with its own copy of the service's
     * hash, and sends to explicit partitions: one event per key, body `<prefix>:<key>`.
     */
    public static async Task<object> SendBuffered(string cs, string[] keys, string prefix)
    {
        var failures = 0;
        await using (var producer = new EventHubBufferedProducerClient(cs))
        {
            producer.SendEventBatchFailedAsync += _ =>
            {
                Interlocked.Increment(ref failures);
                return Task.CompletedTask;
            };
            foreach (var key in keys)
            {
                await producer.EnqueueEventAsync(new EventData($"{prefix}:{key}"), new EnqueueEventOptions { PartitionKey = key });
            }
            await producer.FlushAsync();
        }
        return new { enqueued = keys.Length, failures };
    }

    static EventPosition ParsePosition(string spec) => spec.Split(':') switch
    {
        ["earliest"] => EventPosition.Earliest,
        ["latest"] => EventPosition.Latest,
        ["offset", var o] => EventPosition.FromOffset(o, false),
        ["offset", var o, "inclusive"] => EventPosition.FromOffset(o, true),
        ["sequence", var s] => EventPosition.FromSequenceNumber(long.Parse(s), false),
        ["sequence", var s, "inclusive"] => EventPosition.FromSequenceNumber(long.Parse(s), true),
        ["time", var ms] => EventPosition.FromEnqueuedTime(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ms))),
        _ => throw new ArgumentException($"unknown position '{spec}'"),
    };

    static object Describe(EventData e) => new
    {
        sequenceNumber = e.SequenceNumber,
        offset = e.OffsetString,
        enqueuedMs = e.EnqueuedTime.ToUnixTimeMilliseconds(),
        partitionKey = e.PartitionKey,
        body = e.EventBody.ToString(),
        properties = e.Properties.ToDictionary(p => p.Key, p => p.Value?.ToString()),
    };

    /** Reads one partition from a position until `count` events arrived or the partition stayed quiet for 1 s. */
    public static async Task<object> Read(string cs, string partitionId, string position, int count)
    {
        var options = new PartitionReceiverOptions { TrackLastEnqueuedEventProperties = true };
        await using var receiver = new PartitionReceiver("$default", partitionId, ParsePosition(position), cs, options);
        var events = new List<object>();
        while (events.Count < count)
        {
            var batch = (await receiver.ReceiveBatchAsync(count - events.Count, TimeSpan.FromSeconds(1))).ToList();
            if (batch.Count == 0) break;
            events.AddRange(batch.Select(Describe));
        }
        var last = receiver.ReadLastEnqueuedEventProperties();
        return new { events, lastEnqueued = new { sequenceNumber = last.SequenceNumber, offset = last.OffsetString } };
    }

    static async Task<string> ReasonOf(Func<Task> action)
    {
        try
        {
            await action();
            return "none";
        }
        catch (EventHubsException e)
        {
            return e.Reason.ToString();
        }
        catch (Exception e)
        {
            return e.GetType().Name;
        }
    }

    /** Exclusive receivers: a higher owner level takes the partition over; a lower one is refused. */
    public static async Task<object> OwnerLevel(string cs, string partitionId)
    {
        var first = new PartitionReceiver("$default", partitionId, EventPosition.Earliest, cs, new PartitionReceiverOptions { OwnerLevel = 1 });
        var firstCount = (await first.ReceiveBatchAsync(1, TimeSpan.FromSeconds(2))).Count();
        var second = new PartitionReceiver("$default", partitionId, EventPosition.Earliest, cs, new PartitionReceiverOptions { OwnerLevel = 2 });
        var secondCount = (await second.ReceiveBatchAsync(1, TimeSpan.FromSeconds(2))).Count();
        // A receive already waiting when the detach lands ends empty; the client reports the takeover on the next one.
        var firstAfter = "none";
        for (var attempt = 0; attempt < 3 && firstAfter == "none"; attempt++)
        {
            firstAfter = await ReasonOf(() => first.ReceiveBatchAsync(1, TimeSpan.FromSeconds(1)));
        }
        var lower = new PartitionReceiver("$default", partitionId, EventPosition.Earliest, cs, new PartitionReceiverOptions { OwnerLevel = 1 });
        var lowerReason = await ReasonOf(() => lower.ReceiveBatchAsync(1, TimeSpan.FromSeconds(2)));
        await Task.WhenAll(first.CloseAsync(), second.CloseAsync(), lower.CloseAsync());
        return new { firstCount, secondCount, firstAfter, lowerReason };
    }

    /** The connection string is expected to be wrong in one way; `what` names the call that should fail. */
    public static async Task<object> Failure(string cs, string what)
    {
        var options = new EventHubProducerClientOptions { RetryOptions = new EventHubsRetryOptions { MaximumRetries = 0, TryTimeout = TimeSpan.FromSeconds(5) } };
        await using var producer = new EventHubProducerClient(cs, options);
        var reason = what switch
        {
            "properties" => await ReasonOf(() => producer.GetEventHubPropertiesAsync()),
            "partition" => await ReasonOf(() => producer.SendAsync(new[] { new EventData("x") }, new SendEventOptions { PartitionId = "99" })),
            "send" => await ReasonOf(() => producer.SendAsync(new[] { new EventData("x") })),
            _ => throw new ArgumentException($"unknown failure '{what}'"),
        };
        return new { reason };
    }

    /**
     * The Functions host's Event Hubs trigger runs an EventProcessor<T> with a blob checkpoint store and load
     * balancing. Processor a alone processes the `expected` events already in the hub, checkpointing each batch;
     * processor b joins and takes half of the partitions from a; then `more` events are sent to each partition:
     * each must be processed exactly once between them, and none of the checkpointed ones again.
     */
    public static async Task<object> Processors(string cs, int expected, int more, CancellationToken cancel)
    {
        var store = new MemoryStore();
        var a = new Processor("a", cs, store);
        await a.StartProcessingAsync(cancel);
        await store.WaitFor(expected, cancel);
        var alone = new { received = store.Received, distinct = store.Distinct };

        store.Reset();
        var b = new Processor("b", cs, store);
        await b.StartProcessingAsync(cancel);
        var balanced = await store.WaitForBalance(["a", "b"], cancel);
        var partitionIds = await PartitionIds(cs);
        foreach (var id in partitionIds) await Send(cs, $"partition:{id}", more, $"after-handover-p{id}");
        await store.WaitFor(more * partitionIds.Length, cancel);
        await Task.Delay(TimeSpan.FromSeconds(1), cancel); // anything delivered twice shows up here
        await Task.WhenAll(a.StopProcessingAsync(cancel), b.StopProcessingAsync(cancel));
        var shared = new { received = store.Received, distinct = store.Distinct, bodies = store.Bodies.Order().ToList(), byProcessor = store.ByProcessor };
        return new { alone, balanced, shared, errors = store.Errors.ToList() };
    }
}
