using Rostra.Core.Passwords;
using Rostra.Storage;
using Rostra.Web.Imports;

namespace Rostra.Web;

/// <summary>
/// Runs before Kestrel listens: brings the schema up to date, closes imports a stopped process left
/// running (SPEC §9), removes their uploads, and seeds the demo districts when asked.
/// </summary>
internal sealed class StartupTasks(
    IRostraStore store,
    PasswordHasher hasher,
    UploadFiles uploads,
    ILogger<StartupTasks> logger,
    TextWriter? seedOutput) : IHostedService
{
    public const string InterruptedMessage =
        "The server stopped before this import finished. Nothing was imported: upload the file again.";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        var interrupted = await store.FailInterruptedImportsAsync(InterruptedMessage, cancellationToken);
        if (interrupted > 0)
        {
            logger.LogWarning("{Count} import(s) left running by a stopped server were marked as failed.", interrupted);
        }
        await uploads.RemoveLeftoversAsync(store, cancellationToken);
        if (seedOutput is not null)
        {
            await DemoSeed.EnsureAsync(store, hasher, seedOutput, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
