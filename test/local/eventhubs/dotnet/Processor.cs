// An EventProcessor<T> as the Functions host's Event Hubs extension builds one (load balancing, owner level 0,
// a checkpoint after each batch), over an in-memory ownership and checkpoint store with optimistic concurrency.
using System.Collections.Concurrent;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Processor;

sealed class MemoryStore
{
    readonly object gate = new();
    readonly Dictionary<string, EventProcessorPartitionOwnership> owners = new();
    readonly Dictionary<string, long> checkpoints = new();
    readonly ConcurrentDictionary<string, int> seen = new();
    public ConcurrentQueue<string> Errors { get; } = new();
    public ConcurrentBag<string> Bodies { get; private set; } = new();
    int received;

    public int Received => received;
    public int Distinct => seen.Count;

    public void Reset()
    {
        seen.Clear();
        byProcessor.Clear();
        Bodies = new ConcurrentBag<string>();
        received = 0;
    }

    readonly ConcurrentDictionary<string, int> byProcessor = new();
    public Dictionary<string, int> ByProcessor => byProcessor.ToDictionary(p => p.Key, p => p.Value);

    public void Record(string processor, string partitionId, EventData e)
    {
        Interlocked.Increment(ref received);
        byProcessor.AddOrUpdate(processor, 1, (_, n) => n + 1);
        seen.AddOrUpdate($"{partitionId}/{e.SequenceNumber}", 1, (_, n) => n + 1);
        Bodies.Add(e.EventBody.ToString());
    }

    public async Task WaitFor(int distinct, CancellationToken cancel)
    {
        while (seen.Count < distinct) await Task.Delay(50, cancel);
    }

    /** Partitions each processor is reading now (between its initialize and stopped callbacks). */
    readonly ConcurrentDictionary<(string Processor, string Partition), bool> active = new();
    public void Started(string processor, string partition) => active[(processor, partition)] = true;
    public void Stopped(string processor, string partition) => active.TryRemove((processor, partition), out _);

    /**
     * Waits until every processor named owns a share of the partitions and reads exactly those: a partition that
     * moved is read by its new owner only once the old one has stopped (its link taken over). Returns who owns what.
     */
    public async Task<Dictionary<string, List<string>>> WaitForBalance(string[] processors, CancellationToken cancel)
    {
        while (true)
        {
            var owned = Owners().GroupBy(o => o.OwnerIdentifier).ToDictionary(g => g.Key, g => g.Select(o => o.PartitionId).Order().ToList());
            var reading = active.Keys.GroupBy(k => k.Processor).ToDictionary(g => g.Key, g => g.Select(k => k.Partition).Order().ToList());
            var balanced = processors.All(owned.ContainsKey) && owned.Values.Max(p => p.Count) - owned.Values.Min(p => p.Count) <= 1;
            if (balanced && processors.All(p => reading.TryGetValue(p, out var r) && r.SequenceEqual(owned[p]))) return owned;
            await Task.Delay(50, cancel);
        }
    }

    public IEnumerable<EventProcessorPartitionOwnership> Claim(IEnumerable<EventProcessorPartitionOwnership> desired)
    {
        lock (gate)
        {
            var claimed = new List<EventProcessorPartitionOwnership>();
            foreach (var want in desired)
            {
                owners.TryGetValue(want.PartitionId, out var current);
                if (current is not null && current.Version != want.Version) continue; // someone else got there first
                want.Version = Guid.NewGuid().ToString();
                want.LastModifiedTime = DateTimeOffset.UtcNow;
                owners[want.PartitionId] = want;
                claimed.Add(want);
            }
            return claimed;
        }
    }

    public IEnumerable<EventProcessorPartitionOwnership> Owners()
    {
        lock (gate) return owners.Values.ToList();
    }

    public EventProcessorCheckpoint? Checkpoint(string partitionId, string fqdn, string hub, string group)
    {
        lock (gate)
        {
            if (!checkpoints.TryGetValue(partitionId, out var sequenceNumber)) return null;
            return new EventProcessorCheckpoint
            {
                FullyQualifiedNamespace = fqdn,
                EventHubName = hub,
                ConsumerGroup = group,
                PartitionId = partitionId,
                StartingPosition = EventPosition.FromSequenceNumber(sequenceNumber, false),
            };
        }
    }

    public void SetCheckpoint(string partitionId, long sequenceNumber)
    {
        lock (gate) checkpoints[partitionId] = sequenceNumber;
    }
}

sealed class Processor : EventProcessor<EventProcessorPartition>
{
    readonly MemoryStore store;

    public Processor(string name, string connectionString, MemoryStore store)
        : base(100, "$default", connectionString, new EventProcessorOptions
        {
            Identifier = name,
            LoadBalancingUpdateInterval = TimeSpan.FromMilliseconds(500),
            PartitionOwnershipExpirationInterval = TimeSpan.FromSeconds(3),
            MaximumWaitTime = TimeSpan.FromMilliseconds(500),
            TrackLastEnqueuedEventProperties = true,
        })
    {
        this.store = store;
    }

    protected override Task<IEnumerable<EventProcessorPartitionOwnership>> ClaimOwnershipAsync(IEnumerable<EventProcessorPartitionOwnership> desiredOwnership, CancellationToken cancellationToken) =>
        Task.FromResult(store.Claim(desiredOwnership));

    protected override Task<IEnumerable<EventProcessorPartitionOwnership>> ListOwnershipAsync(CancellationToken cancellationToken) =>
        Task.FromResult(store.Owners());

    protected override Task<EventProcessorCheckpoint> GetCheckpointAsync(string partitionId, CancellationToken cancellationToken) =>
        Task.FromResult(store.Checkpoint(partitionId, FullyQualifiedNamespace, EventHubName, ConsumerGroup)!);

    protected override Task OnInitializingPartitionAsync(EventProcessorPartition partition, CancellationToken cancellationToken)
    {
        store.Started(Identifier, partition.PartitionId);
        return Task.CompletedTask;
    }

    protected override Task OnPartitionProcessingStoppedAsync(EventProcessorPartition partition, ProcessingStoppedReason reason, CancellationToken cancellationToken)
    {
        store.Stopped(Identifier, partition.PartitionId);
        return Task.CompletedTask;
    }

    protected override Task OnProcessingEventBatchAsync(IEnumerable<EventData> events, EventProcessorPartition partition, CancellationToken cancellationToken)
    {
        EventData? last = null;
        foreach (var e in events)
        {
            store.Record(Identifier, partition.PartitionId, e);
            last = e;
        }
        if (last is not null) store.SetCheckpoint(partition.PartitionId, last.SequenceNumber);
        return Task.CompletedTask;
    }

    protected override Task OnProcessingErrorAsync(Exception exception, EventProcessorPartition partition, string operationDescription, CancellationToken cancellationToken)
    {
        // Losing a partition to the other processor is part of load balancing, not an error.
        if (exception is EventHubsException { Reason: EventHubsException.FailureReason.ConsumerDisconnected }) return Task.CompletedTask;
        store.Errors.Enqueue($"{operationDescription} {partition?.PartitionId}: {exception.GetType().Name}: {exception.Message}");
        return Task.CompletedTask;
    }
}
