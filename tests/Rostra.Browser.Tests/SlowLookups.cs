using System.Reflection;
using Rostra.Storage;

namespace Rostra.Browser.Tests;

/// <summary>
/// A store whose username look-ups take a while when asked to, so a test can press CANCEL while a file is
/// being checked, however fast the machine. Everything else goes straight to the real store.
/// </summary>
public class SlowLookups : DispatchProxy
{
    private IRostraStore inner = null!;

    /// <summary>How long each batch look-up of usernames waits; zero for none.</summary>
    public TimeSpan Delay { get; set; }

    public static (IRostraStore Store, SlowLookups Control) Wrap(IRostraStore store)
    {
        var proxy = Create<IRostraStore, SlowLookups>();
        var control = (SlowLookups)(object)proxy;
        control.inner = store;
        return (proxy, control);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IRostraStore.FindTakenUsernamesAsync) && Delay > TimeSpan.Zero)
        {
            Thread.Sleep(Delay);
        }
        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
