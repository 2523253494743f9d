using Rostra.Core;

namespace Rostra.Web.Imports;

/// <summary>An upload received by this node, waiting for a validation slot.</summary>
internal sealed record QueuedUpload(UploadValidation Validation, District District, UserType UserType, string? ProgramId);
