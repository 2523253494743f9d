using Microsoft.AspNetCore.DataProtection;

namespace Rostra.Imports;

/// <summary>
/// Plaintext passwords waiting to be hashed are kept only as ASP.NET Core Data Protection ciphertext, under a
/// purpose bound to their import: a ciphertext copied to another import does not open. The key ring is shared by
/// every node (<see cref="DatabaseXmlRepository"/>), so any node can hash any chunk.
/// </summary>
public sealed class PasswordVault(IDataProtectionProvider provider)
{
    private readonly IDataProtector root = provider.CreateProtector("Rostra.Imports.StagedPasswords.v1");

    public IDataProtector For(Guid importId) => root.CreateProtector(importId.ToString("N"));
}
