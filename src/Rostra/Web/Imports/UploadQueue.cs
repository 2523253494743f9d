using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Rostra.Web.Imports;

/// <summary>The uploads this process is validating, and the queue its validation slots take them from.</summary>
internal sealed class UploadQueue
{
    private readonly ConcurrentDictionary<Guid, UploadValidation> validations = new();
    private readonly Channel<QueuedUpload> queue = Channel.CreateUnbounded<QueuedUpload>();

    /// <summary>Confirm and cancel decide one at a time, so a double click or two tabs cannot interleave.</summary>
    public SemaphoreSlim Decisions { get; } = new(1, 1);

    public ChannelReader<QueuedUpload> Reader => queue.Reader;

    public UploadValidation Register(Guid id)
    {
        var validation = new UploadValidation(id);
        validations[id] = validation;
        return validation;
    }

    public void Enqueue(QueuedUpload work)
    {
        if (!queue.Writer.TryWrite(work))
        {
            throw new InvalidOperationException("The import queue is closed: the server is stopping.");
        }
    }

    public UploadValidation? Find(Guid id) => validations.GetValueOrDefault(id);

    /// <summary>Forgets a validation whose work has ended (only that validation: a newer one for the same import stays).</summary>
    public void Finish(UploadValidation validation)
    {
        validations.TryRemove(new KeyValuePair<Guid, UploadValidation>(validation.Id, validation));
        validation.MarkDone();
    }

    /// <summary>The server is stopping: stop all work; what is left is recorded as interrupted.</summary>
    public IReadOnlyCollection<UploadValidation> StopAll()
    {
        queue.Writer.TryComplete();
        var all = validations.Values.ToList();
        foreach (var validation in all)
        {
            validation.Stop();
        }
        return all;
    }
}
