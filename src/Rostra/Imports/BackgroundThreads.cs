using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Rostra.Imports;

/// <summary>
/// Dedicated threads, below the priority of the threads that answer requests, for the CPU-heavy work of imports:
/// checking files and hashing passwords. On the thread pool that work ran at the priority of page requests, so on a
/// two-core server a 1,000,000-row file and two hashing workers took three cores' worth of turns and every page waited
/// its turn behind them; and items that hold a pool thread for a second at a time leave fewer threads for requests.
/// Here the work still uses every idle core, but a request that wants a core gets it first. Work started here stays
/// here: an await inside it resumes on these threads (this scheduler is its <see cref="TaskScheduler.Current"/>).
/// </summary>
public sealed class BackgroundThreads : TaskScheduler, IDisposable
{
    /// <summary>
    /// The Linux nice value of these threads (a request thread's is 0, the lowest priority 19): when both want a core,
    /// a background thread gets about a tenth of a request thread's share. Elsewhere, <see cref="ThreadPriority.BelowNormal"/>.
    /// </summary>
    public const int Nice = 10;

    [ThreadStatic]
    private static bool onBackground;

    private readonly BlockingCollection<Task> queue = [];
    private readonly Thread[] threads;

    /// <param name="count">Threads: one for each piece of work that may run at once (hashing workers, validation slots).</param>
    public BackgroundThreads(int count)
    {
        threads = [.. Enumerable.Range(0, Math.Max(1, count)).Select(i => new Thread(Loop)
        {
            IsBackground = true,
            Name = $"Rostra background {i}",
            Priority = ThreadPriority.BelowNormal,
        })];
        foreach (var thread in threads) thread.Start();
    }

    /// <summary>True on one of these threads.</summary>
    public static bool IsCurrent => onBackground;

    public override int MaximumConcurrencyLevel => threads.Length;

    /// <summary>Starts <paramref name="work"/> on these threads.</summary>
    public Task Run(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    /// <summary>Starts <paramref name="work"/> on these threads.</summary>
    public Task<T> Run<T>(Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    /// <summary>No new work; what is queued still runs, and a straggler queued after this runs on the thread pool.</summary>
    public void Dispose() => queue.CompleteAdding();

    protected override void QueueTask(Task task)
    {
        try
        {
            queue.Add(task);
        }
        catch (InvalidOperationException)
        {
            ThreadPool.UnsafeQueueUserWorkItem(t => TryExecuteTask(t), task, preferLocal: false);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => onBackground && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => queue.ToArray();

    private void Loop()
    {
        onBackground = true;
        LowerPriority();
        foreach (var task in queue.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    /// <summary>On Linux a thread's nice value is its own (setpriority on its thread id); .NET's Thread.Priority does not set it there.</summary>
    private static void LowerPriority()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = SetPriority(0 /* PRIO_PROCESS: with a thread id, that thread */, GetThreadId(), Nice);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without them: the work runs at normal priority, as it did on the thread pool.
        }
    }

    // Blittable arguments only: nothing to marshal, so no generated stub (and no unsafe code) is needed.
    [DllImport("libc", EntryPoint = "setpriority")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetThreadId();
}
