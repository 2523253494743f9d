using System.Collections.Concurrent;
using System.Reflection;
using Rostra.Storage;

namespace Rostra.TestSupport;

/// <summary>
/// A store whose chosen calls wait at a gate the test opens, so a test can see an import at any point of its work
/// and watch its figures move one step at a time, on any machine at any speed: nothing goes on before the test lets
/// it, and nothing depends on time. A held call still ends at once when its import is cancelled (its token fires).
/// Everything else goes straight to the real store.
/// </summary>
public class StoreGates : DispatchProxy
{
    private readonly ConcurrentDictionary<Gate, byte> gates = new();
    private readonly ConcurrentDictionary<string, Exception> failures = new();
    private IRostraStore inner = null!;

    public static (IRostraStore Store, StoreGates Control) Wrap(IRostraStore store)
    {
        var proxy = Create<IRostraStore, StoreGates>();
        var control = (StoreGates)(object)proxy;
        control.inner = store;
        return (proxy, control);
    }

    /// <summary>
    /// Holds every call of the store method named <paramref name="method"/> (whose arguments match <paramref name="when"/>)
    /// until the gate lets it through (<see cref="Gate.Let"/>) or is disposed, which opens it for good.
    /// </summary>
    public Gate Hold(string method, Func<object?[], bool>? when = null)
    {
        var gate = new Gate(method, when, g => gates.TryRemove(g, out _));
        gates[gate] = 0;
        return gate;
    }

    /// <summary>The next call of the store method named <paramref name="method"/> fails with <paramref name="failure"/> (a busy or dropped database); later ones go through.</summary>
    public void FailNext(string method, Exception failure) => failures[method] = failure;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        if (failures.TryRemove(targetMethod.Name, out var failure)) throw failure;
        var gate = gates.Keys.FirstOrDefault(g => g.Holds(targetMethod.Name, args));
        if (gate is null || args is not [.., CancellationToken token]) return Call(targetMethod, args);
        var entered = gate.EnterAsync(token);
        if (targetMethod.ReturnType == typeof(Task))
        {
            return AfterAsync<bool>(entered, async () =>
            {
                await (Task)Call(targetMethod, args)!;
                return true;
            });
        }
        var result = targetMethod.ReturnType.GetGenericArguments()[0];
        var call = typeof(StoreGates).GetMethod(nameof(Typed), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(result);
        return call.Invoke(this, [entered, targetMethod, args]);
    }

    private Task<T> Typed<T>(Task entered, MethodInfo method, object?[] args) =>
        AfterAsync(entered, () => (Task<T>)Call(method, args)!);

    private static async Task<T> AfterAsync<T>(Task entered, Func<Task<T>> call)
    {
        await entered;
        return await call();
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

    /// <summary>A gate on one store method: closed until the test lets calls through, one by one or all at once.</summary>
    public sealed class Gate : IDisposable
    {
        private readonly string method;
        private readonly Func<object?[], bool>? when;
        private readonly Action<Gate> removed;
        private readonly SemaphoreSlim passes = new(0);
        private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int waiting;

        internal Gate(string method, Func<object?[], bool>? when, Action<Gate> removed)
        {
            this.method = method;
            this.when = when;
            this.removed = removed;
        }

        /// <summary>Calls waiting at the gate now.</summary>
        public int Waiting => Volatile.Read(ref waiting);

        internal bool Holds(string name, object?[] args) => !open.Task.IsCompleted && name == method && (when is null || when(args));

        internal async Task EnterAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref waiting);
            try
            {
                var pass = passes.WaitAsync(cancellationToken);
                await Task.WhenAny(pass, open.Task);
                if (pass.IsCanceled) cancellationToken.ThrowIfCancellationRequested();
            }
            finally
            {
                Interlocked.Decrement(ref waiting);
            }
        }

        /// <summary>Lets <paramref name="calls"/> calls through, waiting or to come.</summary>
        public void Let(int calls = 1) => passes.Release(calls);

        /// <summary>Opens the gate for good.</summary>
        public void Dispose()
        {
            open.TrySetResult();
            removed(this);
        }
    }
}
