using System.Reflection;
using Rostra.Core;
using Rostra.Storage;

namespace Rostra.Browser.Tests;

/// <summary>
/// A store whose username look-ups wait while a test holds them, so the test can press CANCEL while a file is being
/// checked, on any machine at any speed: the check cannot end before the test lets it. A held look-up still ends at
/// once when its import is cancelled. Everything else goes straight to the real store.
/// </summary>
public class HeldLookups : DispatchProxy
{
    private IRostraStore inner = null!;
    private TaskCompletionSource? gate;

    public static (IRostraStore Store, HeldLookups Control) Wrap(IRostraStore store)
    {
        var proxy = Create<IRostraStore, HeldLookups>();
        var control = (HeldLookups)(object)proxy;
        control.inner = store;
        return (proxy, control);
    }

    /// <summary>Holds every username look-up from now until the result is disposed.</summary>
    public IDisposable Hold()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref gate, held);
        return new Release(() =>
        {
            Volatile.Write(ref gate, null);
            held.TrySetResult();
        });
    }

    /// <summary>
    /// Paces username look-ups (each batch waits <paramref name="pace"/>) until the result is disposed, for a test that
    /// follows a check's progress as it moves. A test that only needs the check still running uses <see cref="Hold"/>.
    /// </summary>
    public IDisposable Pace(TimeSpan pace)
    {
        Volatile.Write(ref paceTicks, pace.Ticks);
        return new Release(() => Volatile.Write(ref paceTicks, 0));
    }

    private long paceTicks;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IUserLookup.FindTakenUsernamesAsync) && args?[^1] is CancellationToken token)
        {
            if (Volatile.Read(ref gate) is { } held)
            {
                return AfterAsync(held.Task, token, () => (Task<IReadOnlySet<string>>)Call(targetMethod, args)!);
            }
            if (Volatile.Read(ref paceTicks) is > 0 and var ticks)
            {
                return AfterAsync(Task.Delay(TimeSpan.FromTicks(ticks), token), token, () => (Task<IReadOnlySet<string>>)Call(targetMethod, args)!);
            }
        }
        return Call(targetMethod, args);
    }

    private static async Task<IReadOnlySet<string>> AfterAsync(Task held, CancellationToken cancellationToken, Func<Task<IReadOnlySet<string>>> lookup)
    {
        await held.WaitAsync(cancellationToken);
        return await lookup();
    }

    private object? Call(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private sealed class Release(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
