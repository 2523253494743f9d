using System.Collections.Concurrent;

namespace Rostra.Web.Imports;

/// <summary>
/// The uploads this process is validating, and the queue its validation slots take them from. The queue is fair
/// between districts: a slot takes the next upload of the district with the fewest validations running here, and
/// among those, of the district served least recently (round-robin; a district not served yet first), so one
/// district's many large uploads never keep another district's small one waiting behind all of them. Within a
/// district, uploads go in the order they came.
/// </summary>
internal sealed class UploadQueue
{
    private readonly ConcurrentDictionary<Guid, UploadValidation> validations = new();
    private readonly Lock gate = new();

    /// <summary>Waiting uploads of each district, oldest first.</summary>
    private readonly Dictionary<string, Queue<(long Arrived, QueuedUpload Work)>> waiting = new(StringComparer.Ordinal);

    /// <summary>When each district was last given a slot (a counter of takes), for the round-robin.</summary>
    private readonly Dictionary<string, long> lastServed = new(StringComparer.Ordinal);

    /// <summary>Validations running here, by district.</summary>
    private readonly Dictionary<string, int> running = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim available = new(0);
    private long takes;
    private long arrivals;
    private bool closed;

    /// <summary>Confirm and cancel decide one at a time, so a double click or two tabs cannot interleave.</summary>
    public SemaphoreSlim Decisions { get; } = new(1, 1);

    public UploadValidation Register(Guid id)
    {
        var validation = new UploadValidation(id);
        validations[id] = validation;
        return validation;
    }

    public void Enqueue(QueuedUpload work)
    {
        lock (gate)
        {
            if (closed) throw new InvalidOperationException("The import queue is closed: the server is stopping.");
            var district = work.District.Id;
            if (!waiting.TryGetValue(district, out var queue))
            {
                waiting[district] = queue = new Queue<(long, QueuedUpload)>();
            }
            queue.Enqueue((arrivals++, work));
        }
        available.Release();
    }

    /// <summary>Waits for the next upload to validate (fair between districts, see the type) and counts it as running until <see cref="Finish"/>.</summary>
    public async Task<QueuedUpload> TakeAsync(CancellationToken cancellationToken)
    {
        await available.WaitAsync(cancellationToken);
        lock (gate)
        {
            var district = waiting.Keys
                .OrderBy(Running)
                .ThenBy(d => lastServed.GetValueOrDefault(d, -1))
                .ThenBy(d => waiting[d].Peek().Arrived)
                .First();
            var queue = waiting[district];
            var (_, work) = queue.Dequeue();
            if (queue.Count == 0) waiting.Remove(district);
            lastServed[district] = takes++;
            running[district] = Running(district) + 1;
            return work;
        }
    }

    /// <summary>
    /// The imports of every upload this node holds, waiting for a slot or being validated: their files are only here, so
    /// this node keeps their leases until validation ends.
    /// </summary>
    public IReadOnlyList<Guid> Held() => validations.Keys.ToList();

    public UploadValidation? Find(Guid id) => validations.GetValueOrDefault(id);

    /// <summary>
    /// Forgets an upload whose work has ended (only that validation: a newer one for the same import stays), and frees
    /// its district's place among the running ones.
    /// </summary>
    public void Finish(QueuedUpload work)
    {
        var validation = work.Validation;
        lock (gate)
        {
            var district = work.District.Id;
            if (Running(district) <= 1) running.Remove(district);
            else running[district]--;
        }
        validations.TryRemove(new KeyValuePair<Guid, UploadValidation>(validation.Id, validation));
        validation.MarkDone();
    }

    /// <summary>The server is stopping: stop all work; what is left is recorded as interrupted.</summary>
    public IReadOnlyCollection<UploadValidation> StopAll()
    {
        lock (gate)
        {
            closed = true;
        }
        var all = validations.Values.ToList();
        foreach (var validation in all)
        {
            validation.Stop();
        }
        return all;
    }

    private int Running(string district) => running.GetValueOrDefault(district);
}
