namespace Rostra.Web.Imports;

/// <summary>What runs when a validation slot has taken an upload, before the file is read (see <see cref="WebSettings.BeforeValidation"/>).</summary>
internal sealed record ValidationSlotHook(Func<Guid, CancellationToken, Task>? Run);
