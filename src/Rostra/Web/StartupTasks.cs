using Rostra.Core;
using Rostra.Core.Validation;
using Rostra.Core.Passwords;
using Rostra.Imports;
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
        if (store.Provider == "sqlite")
        {
            // The embedded database has one server: when it starts, nothing else is running an import, so one left
            // validating or importing was interrupted. It ends failed with nothing written (SPEC §9); its staged
            // passwords go with the housekeeping below. On PostgreSQL other nodes may be running them: they resume.
            var failed = await store.FailInterruptedImportsAsync(InterruptedMessage, cancellationToken);
            if (failed > 0) logger.LogWarning("{Count} import(s) interrupted by a restart were marked as failed.", failed);
        }
        // Imports are not failed wholesale here: other nodes may be running them, and a hashing or final write this
        // node left behind resumes once its lease lapses. A validation this node left (its upload is gone) is failed by
        // housekeeping on whichever node sees the lapsed lease.
        var done = await store.HousekeepAsync(ImportEngine.StaleValidationMessage, TimeSpan.FromDays(3650), ImportBackgroundService.ExpiredMessage, cancellationToken);
        if (done.FailedValidations > 0)
        {
            logger.LogWarning("{Count} import(s) left validating by a stopped server were marked as failed.", done.FailedValidations);
        }
        // An upload still here was being validated when this node stopped: nobody else can read it, so it failed.
        foreach (var id in uploads.PendingUploads())
        {
            await store.TryTransitionAsync(id, [ImportStatus.Validating], ImportStatus.Failed, ImportEngine.StaleValidationMessage, cancellationToken);
        }
        uploads.RemoveLeftovers();
        if (seedOutput is not null)
        {
            await DemoSeed.EnsureAsync(store, hasher, seedOutput, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
